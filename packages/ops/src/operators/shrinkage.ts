import * as tf from '@tensorflow/tfjs';
import { checkNonNegative } from '../errors/checkers.ts';
import { OpsError } from '../errors/ops-error.ts';

/**
 * Two-sided soft thresholding `T(z) = sign(z) max(|z| - thr, 0)`, written as
 * `relu(z - thr) - relu(-z - thr)` so it is differentiable in `z` and in `thr` without `tf.where`.
 *
 * @param z - any tensor
 * @param threshold - a number or a scalar tensor (differentiable), must be >= 0
 */
export function softThreshold<T extends tf.Tensor>(z: T, threshold: number | tf.Scalar): T {
  checkThreshold(threshold);
  return tf.tidy(() => tf.sub(tf.relu(tf.sub(z, threshold)), tf.relu(tf.sub(tf.neg(z), threshold)))) as T;
}

/**
 * One-sided (non-negative) soft thresholding `T+(z) = max(z - thr, 0)`, SDNet's `relu(softshrink(z))`.
 * Differentiable in `z` and in `thr`.
 */
export function nonNegativeSoftThreshold<T extends tf.Tensor>(z: T, threshold: number | tf.Scalar): T {
  checkThreshold(threshold);
  return tf.tidy(() => tf.relu(tf.sub(z, threshold))) as T;
}

function checkThreshold(threshold: number | tf.Scalar): void {
  if (typeof threshold === 'number') {
    checkNonNegative('threshold', threshold);
  } else if (threshold.rank !== 0) {
    throw new OpsError(
      'invalid-option',
      'threshold',
      `threshold: expected a scalar tensor, got shape [${threshold.shape.join(', ')}]`,
    );
  }
}
