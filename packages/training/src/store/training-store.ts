import type * as tf from '@tensorflow/tfjs';
import type { SgdState } from '../loop/sgd.ts';
import type { EpochMetrics } from './epoch-metrics.ts';
import type { LayerState } from './layer-state.ts';

/** Training position and bookkeeping stored next to the weights. */
export interface TrainerState {
  /** Epoch to run next (0-based). */
  epoch: number;
  /** Step within `epoch` to run next (0 at an epoch boundary). */
  step: number;
  /** Schedule phase of the model in the checkpoint. */
  phase: 'vanilla' | 'elastic' | 'single';
  /** Loss sum and count of the partial epoch (mid-epoch checkpoints). */
  lossSum: number;
  lossCount: number;
  /**
   * Early stopping: best robust test accuracy so far (`-Infinity` before the first evaluation), and epochs since it
   * improved.
   */
  best: number;
  sinceBest: number;
  /** Base seed (every random draw derives from it, epoch and step). */
  seed: number;
}

/** A checkpoint as the trainer writes and reads it. */
export interface StoredCheckpoint {
  model: tf.LayersModel;
  optimizer: SgdState;
  state: TrainerState;
  /**
   * Model state that is not a weight (the dictionary layers' step-size state, see `captureLayerState`). The trainer
   * always sets it; a store must give it back for a bit-exact resume. A checkpoint without it (written by an earlier
   * version) resumes with a warning that the step sizes restart cold.
   */
  layers?: LayerState;
}

/**
 * Where the trainer keeps what outlives a step: checkpoints (for resume and interruption), the per-epoch metrics
 * and the best model of early stopping. `memoryStore()` keeps them in memory (any environment, browsers included);
 * `directoryStore(outDir)` of `@edl/training/node` writes `outDir/{checkpoints/, metrics.jsonl, best/}`.
 */
export interface TrainingStore {
  /** Where the store keeps things, for messages (a path, `'memory'`, ...). */
  readonly description: string;
  /** Saves a complete checkpoint; a reader must see the previous one or this one, never a partial one. */
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** The latest checkpoint as a fresh model the caller owns, or null when there is none. */
  loadCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Saves the model that scored best so far (early stopping). */
  saveBest(model: tf.LayersModel): Promise<void>;
  /** Records one epoch's metrics. */
  appendMetrics(metrics: EpochMetrics): Promise<void>;
}
