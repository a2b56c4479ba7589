import type * as tf from '@tensorflow/tfjs';

/**
 * Re-applies every weight constraint of `model` (tfjs optimizers apply constraints only inside `model.fit`):
 * `LayerVariable.write` projects the value through the variable's constraint (e.g. a layer's beta kept in [0, 1]).
 * Call after every optimizer step of a custom loop.
 */
export function applyWeightConstraints(model: tf.LayersModel): void {
  for (const w of model.trainableWeights) {
    if (w.constraint != null) w.write(w.read());
  }
}
