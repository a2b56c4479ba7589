import { createRng } from '@edl/datasets';
import * as tf from '@tensorflow/tfjs';

/**
 * Test fixture (not exported from the package): the toy problem's classifier without BatchNorm (flatten, dense 8,
 * relu, dense 3), weights set from `seed`, for checks that hold exactly only without batch statistics.
 */
export function toyDenseModel(seed: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  const rng = createRng(seed);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => rng.uniform() - 0.5),
        w.shape,
      ),
    ),
  );
  return model;
}
