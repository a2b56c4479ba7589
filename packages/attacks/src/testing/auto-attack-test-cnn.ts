import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';
import { makeImages } from './test-helpers.ts';

/** Test helper: a fixed tiny CNN and the tensors it owns. */
export interface TinyCnn {
  model: Model;
  dispose(): void;
}

/**
 * Test helper: conv 3x3 (4 filters) on x - 0.5 -> relu -> global mean -> dense to `classes`, with the class bias set
 * to minus the mean logits of `calibration` so that those images spread over the classes near the boundaries.
 */
export function tinyCnn(calibration: tf.Tensor4D, classes = 4, seed = 11): TinyCnn {
  const channels = calibration.shape[3];
  const kernel = makeImages([3, 3, channels, 4], seed, -1, 1);
  const dense = tf.tidy(() => {
    const d = tf.reshape(makeImages([1, 1, 4, classes], seed + 2, -2, 2), [4, classes]);
    return tf.mul(tf.sub(d, tf.mean(d, 1, true)), 5) as tf.Tensor2D;
  });
  const raw = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const h = tf.relu(tf.conv2d(tf.sub(x, 0.5) as tf.Tensor4D, kernel, 1, 'same'));
      return tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, dense);
    });
  const bias = tf.tidy(() => tf.mean(raw(calibration), 0));
  const model: Model = (x) => tf.tidy(() => tf.sub(raw(x), bias) as tf.Tensor2D);
  return { model, dispose: () => tf.dispose([kernel, dense, bias]) };
}
