import type * as tf from '@tensorflow/tfjs';
import type { MixupOptions } from '../methods/mixup.ts';
import type { RegularizerOptions } from '../methods/regularizer.ts';
import type { ThreatModel, TrainingMethod } from '../methods/training-method.ts';
import type { EpochMetrics } from '../store/epoch-metrics.ts';
import type { TrainingStore } from '../store/training-store.ts';
import type { LabelledImages } from './labelled-images.ts';
import type { LrSchedule } from './lr-schedule.ts';
import type { ProgressFactory } from './progress-reporter.ts';
import type { SgdOptions } from './sgd.ts';

/** The paper's schedule: pretrain Vanilla DL, then switch to Elastic DL and fine-tune. */
export interface ElasticSwitch {
  /** First epoch (0-based) trained as Elastic DL. */
  epoch: number;
  /**
   * Converts the vanilla model (e.g. `toElastic(model, { beta, trainBeta: true })` of `@edl/models`); when it returns
   * a new model, the vanilla one is disposed.
   */
  toElastic: (model: tf.LayersModel) => tf.LayersModel;
  /** Learning rate schedule after the switch (default: keep the main schedule). */
  lr?: LrSchedule;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The model (images in [0, 1] -> logits). When resuming, it is disposed and replaced by the checkpoint's model. */
  model: tf.LayersModel;
  /** Training method (standard, pgdAT, trades, mart, hat, awp(...)). */
  method: TrainingMethod;
  train: LabelledImages;
  test: LabelledImages;
  epochs: number;
  batchSize: number;
  lr: LrSchedule;
  sgd?: SgdOptions;
  regularizer?: RegularizerOptions;
  /** Base seed of data order, random starts and everything else drawn during training. Default 0. */
  seed?: number;
  /** Per-epoch monitor: subset sizes and the PGD used for robust accuracy (null: natural only). */
  monitor?: { trainSubset?: number; testSubset?: number; attack: ThreatModel | null; batchSize?: number };
  /** Vanilla -> elastic switch (the model must start as vanilla). */
  elasticSwitch?: ElasticSwitch;
  /**
   * Re-estimate BatchNorm statistics after each epoch's steps with this many clean training batches (PreciseBN), so
   * monitoring, checkpoints and the final model use statistics of the final weights. Default 0 (off).
   */
  bnRecalibrationBatches?: number;
  /** Stop when robust test accuracy has not improved for this many epochs (the best model is kept). */
  earlyStoppingPatience?: number;
  /** Batch augmentation (e.g. crop/flip/cutout from `@edl/datasets`), seeded; returns a new Float32 NHWC array. */
  augment?: (pixels: Float32Array, shape: [number, number, number, number], seed: number) => Float32Array;
  /**
   * Mixup (paper Table 3 baseline), applied after `augment`: per batch λ ~ Beta(alpha, alpha) and a partner
   * permutation drawn from `deriveSeed(seed, epoch, step, 7)`, mixed inputs, and the mixed (soft-label)
   * cross-entropy. Only for methods with `acceptsSoftLabels` (standard, pgd-at); others are rejected.
   */
  mixup?: MixupOptions;
  /**
   * Where checkpoints, per-epoch metrics and the best model (early stopping) go. Default: nowhere (no checkpoints, no
   * resume; the metrics are still in the result's `history`). `memoryStore()` keeps them in memory (browsers too);
   * `directoryStore(outDir)` of `@edl/training/node` writes `outDir/{checkpoints/, metrics.jsonl, best/}`.
   */
  store?: TrainingStore;
  /** Continue from the store's latest checkpoint if it has one (needs `store`). */
  resume?: boolean;
  /**
   * Write a checkpoint and stop at the next step boundary on SIGINT or SIGTERM (what Slurm and Kubernetes send before
   * killing a job; Node only). Default false.
   */
  handleSigint?: boolean;
  /** Stop (after writing a checkpoint to the store) when this returns true before a step; for tests and schedulers. */
  shouldStop?: (position: { epoch: number; step: number }) => boolean;
  /** Projects the weights onto their constraints after each step (default: @edl/layers' `applyConstraints`). */
  applyConstraints?: (model: tf.LayersModel) => void;
  /**
   * Betas per dictionary layer for the metrics (default: none); may be async (on webgpu read the betas with
   * `await layer.readBeta()` of `@edl/layers`' `DictConv2D`).
   */
  betas?: (model: tf.LayersModel) => Record<string, number> | Promise<Record<string, number>>;
  /** Progress display per epoch (default none); `progressBar` of `@edl/training/node` draws one on a terminal. */
  progress?: ProgressFactory;
  /** Called after each epoch with its metrics. */
  onEpoch?: (metrics: EpochMetrics) => void;
}
