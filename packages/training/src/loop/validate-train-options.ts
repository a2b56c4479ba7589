import { checkPositiveInt, invalidOption } from '../errors/checkers.ts';
import { TrainingError } from '../errors/training-error.ts';
import { checkMixupOptions } from '../methods/mixup.ts';
import type { TrainingStore } from '../store/training-store.ts';
import type { TrainOptions } from './trainer-options.ts';

/** Validates {@link TrainOptions} with errors naming the option and what was expected. */
export function validateTrainOptions(o: TrainOptions): void {
  if (o == null || typeof o !== 'object')
    throw new TrainingError('invalid-option', 'options', 'train: expected an options object');
  if (o.model == null || typeof o.model.apply !== 'function')
    throw new TrainingError('invalid-option', 'model', 'train: model must be a tf.LayersModel');
  if (o.method == null || typeof o.method.step !== 'function')
    throw new TrainingError('invalid-option', 'method', 'train: method must be a TrainingMethod');
  checkPositiveInt('epochs', o.epochs);
  checkPositiveInt('batchSize', o.batchSize);
  if (o.accumulate !== undefined) {
    checkPositiveInt('accumulate', o.accumulate);
    if (o.accumulate > o.batchSize) {
      invalidOption(
        'accumulate',
        `an integer in [1, batchSize=${o.batchSize}] (micro-batches per batch)`,
        o.accumulate,
      );
    }
  }
  if (typeof o.lr !== 'function')
    throw new TrainingError('invalid-option', 'lr', 'train: lr must be a schedule function (e.g. multiStepLr(...))');
  if ('outDir' in o) {
    throw new TrainingError(
      'invalid-option',
      'outDir',
      "train: outDir is no longer an option: pass store: directoryStore(outDir) from '@edl/training/node' " +
        '(or memoryStore() in a browser)',
    );
  }
  if (o.store !== undefined) {
    const s = o.store as Partial<TrainingStore> | null;
    const methods = ['saveCheckpoint', 'loadCheckpoint', 'saveBest', 'appendMetrics'] as const;
    if (s === null || typeof s !== 'object' || !methods.every((m) => typeof s[m] === 'function')) {
      throw new TrainingError(
        'invalid-option',
        'store',
        `train: store must be a TrainingStore (${methods.join(', ')}), e.g. memoryStore()`,
      );
    }
  }
  if (o.resume && o.store === undefined) {
    throw new TrainingError(
      'invalid-option',
      'resume',
      'train: resume needs a store to resume from (directoryStore(outDir) or memoryStore())',
    );
  }
  if (o.progress !== undefined && typeof o.progress !== 'function') {
    throw new TrainingError(
      'invalid-option',
      'progress',
      "train: progress must be a function (label, total) => ProgressBar, e.g. progressBar of '@edl/training/node'",
    );
  }
  if (o.handleSigint && (typeof process === 'undefined' || typeof process.once !== 'function')) {
    throw new TrainingError(
      'unsupported',
      'handleSigint',
      'train: handleSigint needs Node (process signals); use shouldStop in a browser',
    );
  }
  if (o.train.numClasses !== o.test.numClasses) {
    throw new TrainingError(
      'invalid-input',
      'test',
      `train: train has ${o.train.numClasses} classes but test has ${o.test.numClasses}`,
    );
  }
  if (o.elasticSwitch) {
    const e = o.elasticSwitch.epoch;
    if (!Number.isInteger(e) || e < 0 || e > o.epochs) {
      invalidOption('elasticSwitch.epoch', `an integer in [0, epochs=${o.epochs}]`, e);
    }
  }
  if (o.earlyStoppingPatience !== undefined) checkPositiveInt('earlyStoppingPatience', o.earlyStoppingPatience);
  if (o.bnRecalibrationBatches !== undefined && o.bnRecalibrationBatches !== 0) {
    checkPositiveInt('bnRecalibrationBatches', o.bnRecalibrationBatches);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed)) invalidOption('seed', 'an integer', o.seed);
  if (o.mixup !== undefined) {
    checkMixupOptions('mixup', o.mixup);
    if (o.method.acceptsSoftLabels !== true) {
      throw new TrainingError(
        'invalid-option',
        'mixup',
        `train: mixup needs a method that trains on soft labels (standard or pgd-at); method "${o.method.name}" ` +
          'does not support it (remove the mixup option)',
      );
    }
  }
}
