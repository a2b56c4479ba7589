import { isDictLayer } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors/training-error.ts';
import type { TrainerState } from '../store/training-store.ts';
import type { TrainOptions } from './trainer-options.ts';

/**
 * Refuses a checkpoint that does not belong to the run `options` describe, before any step: a checkpoint model whose
 * input or output does not fit the data, a step beyond an epoch's steps (another train set or batch size), a
 * schedule phase of a run with(out) the vanilla -> elastic switch when this one is without (with) it, or an explicit
 * `options.seed` other than the checkpoint's, or an 'elastic'-phase checkpoint whose model has non-elastic layers. Each of these was carried on silently with the checkpoint's settings.
 * `where` names the store.
 */
export function checkResumable(state: TrainerState, model: tf.LayersModel, options: TrainOptions, where: string): void {
  const refuse = (option: string, why: string) =>
    new TrainingError('invalid-state', option, `resume: the checkpoint in ${where} ${why}`);
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  const data = [options.train.height, options.train.width, options.train.channels];
  if (input.join() !== data.join()) {
    throw refuse('train', `holds a model for [${input.join(', ')}] inputs, the train images are [${data.join(', ')}]`);
  }
  const classes = model.outputs[0]?.shape.at(-1);
  if (classes !== options.train.numClasses) {
    throw refuse(
      'train',
      `holds a model with ${classes} outputs, the train set has ${options.train.numClasses} classes`,
    );
  }
  const stepsPerEpoch = Math.ceil(options.train.count / options.batchSize);
  if (state.step >= stepsPerEpoch) {
    throw refuse(
      'batchSize',
      `stopped at step ${state.step} of epoch ${state.epoch}, but an epoch has ${stepsPerEpoch} steps here ` +
        `(${options.train.count} images in batches of ${options.batchSize}): resume with the run's data and batch size`,
    );
  }
  if (state.phase === 'single' && options.elasticSwitch) {
    throw refuse('elasticSwitch', 'is of a run without the vanilla -> elastic switch; this one has elasticSwitch set');
  }
  if (state.phase !== 'single' && !options.elasticSwitch) {
    throw refuse(
      'elasticSwitch',
      `is in the '${state.phase}' phase of a run with the vanilla -> elastic switch; set elasticSwitch`,
    );
  }
  if (state.phase === 'elastic') {
    // (before the switch any DL kind may be pretrained; after it, toElastic has made every layer elastic)
    const wrong = model.layers.filter(isDictLayer).filter((l) => l.kind !== 'elastic');
    if (wrong.length > 0) {
      throw refuse(
        'model',
        `is in the '${state.phase}' phase, but its model has ${wrong[0]!.kind} layers (${wrong.map((l) => l.name).join(', ')}): ` +
          'model.json and state.json disagree (edited by hand?)',
      );
    }
  }
  if (options.seed !== undefined && options.seed !== state.seed) {
    throw refuse('seed', `was seeded with ${state.seed}, options.seed is ${options.seed}: resume with the run's seed`);
  }
}
