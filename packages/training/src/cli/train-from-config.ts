import { join } from 'node:path';
import type { ImageSet } from '@edl/datasets';
import { applyConstraints, readBetas } from '@edl/layers';
import { loadModel, resnet, saveModel, toElastic } from '@edl/models';
import { fileSystemHandler } from '@edl/models/node';
import type * as tf from '@tensorflow/tfjs';
import { batchAugmentation } from '../loop/augmentation.ts';
import { constantLr, cosineLr, type LrSchedule, multiStepLr } from '../loop/lr-schedule.ts';
import { progressBar } from '../loop/progress-bar.ts';
import { logitsOf, type TrainResult, train } from '../loop/trainer.ts';
import { awp } from '../methods/awp.ts';
import { hat } from '../methods/hat.ts';
import { mart } from '../methods/mart.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { standardTraining } from '../methods/standard-training.ts';
import { trades } from '../methods/trades.ts';
import type { TrainingMethod } from '../methods/training-method.ts';
import { directoryStore } from '../store/directory-store.ts';
import { openRunFolder } from './run-folder.ts';
import type { TrainConfig } from './train-config.ts';

/** Builds the ResNet a config describes. */
export function buildModel(c: TrainConfig, data: ImageSet): tf.LayersModel {
  return resnet({
    depth: c.depth,
    conv: c.conv,
    numClasses: data.numClasses,
    inputShape: [data.height, data.width, data.channels],
    widthMultiplier: c.width,
    ...(c.conv === 'standard' ? {} : { steps: c.ristaSteps }),
    ...(c.lambda !== undefined && c.conv !== 'standard' ? { lambda: c.lambda } : {}),
    ...(c.firstStageStride ? { firstStageStride: c.firstStageStride } : {}),
    ...(c.recomputeStages && c.conv !== 'standard' ? { recomputeStages: c.recomputeStages } : {}),
    seed: c.seed,
  });
}

function schedule(c: TrainConfig, base: number, epochs: number): LrSchedule {
  if (c.schedule === 'constant') return constantLr(base);
  if (c.schedule === 'cosine') return cosineLr({ base, epochs, min: 0 });
  return multiStepLr({ base, milestones: c.milestones, gamma: 0.1 });
}

/** Builds the training method a config describes (HAT loads its helper model). */
export async function buildMethod(c: TrainConfig): Promise<TrainingMethod> {
  const threat = { eps: c.eps, stepSize: c.stepSize, steps: c.attackSteps };
  let method: TrainingMethod;
  if (c.method === 'standard') method = standardTraining();
  else if (c.method === 'pgd-at') method = pgdAT(threat);
  else if (c.method === 'trades') method = trades({ ...threat, beta: c.beta });
  else if (c.method === 'mart') method = mart({ ...threat, beta: c.beta });
  else {
    const helper = await loadModel(fileSystemHandler(c.helper!));
    method = hat({ ...threat, helper: (x) => logitsOf(helper, x, false) });
  }
  if (c.awp) method = awp(method, { gamma: c.awpGamma });
  return method;
}

/** Betas per dictionary layer, as a name -> value record for the metrics (awaited reads: works on webgpu). */
export async function betasRecord(model: tf.LayersModel): Promise<Record<string, number>> {
  return Object.fromEntries((await readBetas(model)).map((b) => [b.layer, b.beta]));
}

/**
 * Trains from a resolved config: the work of `edl train`, the quickstart and the CIFAR example. Opens `c.out` as a
 * run folder first (see `openRunFolder`: lock, existing-run and resume checks, `config.json`) and, unless
 * interrupted, saves the model to `c.out/final` before releasing the folder.
 */
export async function trainFromConfig(
  c: TrainConfig,
  data: { train: ImageSet; test: ImageSet },
  extra: { progress?: boolean; onEpoch?: Parameters<typeof train>[0]['onEpoch'] } = {},
): Promise<TrainResult> {
  const folder = openRunFolder(c);
  try {
    const result = await trainInFolder(c, data, extra);
    if (!result.interrupted) await saveModel(result.model, fileSystemHandler(join(c.out, 'final')));
    return result;
  } finally {
    folder.release();
  }
}

async function trainInFolder(
  c: TrainConfig,
  data: { train: ImageSet; test: ImageSet },
  extra: { progress?: boolean; onEpoch?: Parameters<typeof train>[0]['onEpoch'] },
): Promise<TrainResult> {
  const model = buildModel(c, data.train);
  const method = await buildMethod(c);
  const augment = batchAugmentation({ crop: c.crop, flip: c.flip, cutout: c.cutout });
  const threat = { eps: c.eps, stepSize: c.stepSize, steps: c.attackSteps };
  const result = await train({
    model,
    method,
    train: data.train,
    test: data.test,
    epochs: c.epochs,
    batchSize: c.batchSize,
    ...(c.accumulate > 1 ? { accumulate: c.accumulate } : {}),
    lr: schedule(c, c.lr, c.epochs),
    sgd: { momentum: c.momentum, nesterov: c.nesterov, weightDecay: c.weightDecay },
    regularizer: { l1: c.l1, l2: c.l2 },
    seed: c.seed,
    monitor: {
      trainSubset: c.monitorCount,
      testSubset: c.monitorCount,
      attack: threat,
    },
    ...(c.switchEpoch !== undefined
      ? {
          elasticSwitch: {
            epoch: c.switchEpoch,
            toElastic: (m: tf.LayersModel) => toElastic(m, { beta: c.switchBeta, trainBeta: true }),
            ...(c.switchLr !== undefined ? { lr: constantLr(c.switchLr) } : {}),
          },
        }
      : {}),
    ...(c.earlyStopping !== undefined ? { earlyStoppingPatience: c.earlyStopping } : {}),
    ...(c.bnRecalibration > 0 ? { bnRecalibrationBatches: c.bnRecalibration } : {}),
    ...(augment ? { augment } : {}),
    ...(c.mixupAlpha !== undefined ? { mixup: { alpha: c.mixupAlpha } } : {}),
    store: directoryStore(c.out),
    resume: c.resume,
    handleSigint: true,
    applyConstraints: (m) => applyConstraints(m),
    betas: betasRecord,
    progress: (label, total) => progressBar(label, total, extra.progress ?? process.stderr.isTTY === true),
    ...(extra.onEpoch ? { onEpoch: extra.onEpoch } : {}),
  });
  return result;
}
