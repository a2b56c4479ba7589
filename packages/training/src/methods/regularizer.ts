import * as tf from '@tensorflow/tfjs';
import { checkNonNegative } from '../errors/checkers.ts';

/** Weight regularisation of paper Table 3's overfitting baselines, added to every method's loss. */
export interface RegularizerOptions {
  /** Coefficient of Σ|w| over kernels (rank >= 2). */
  l1?: number;
  /** Coefficient of Σw² over kernels (rank >= 2); note this adds to, and is distinct from, SGD weight decay. */
  l2?: number;
}

/** Builds `l1·Σ|w| + l2·Σw²` over the kernels of `variables`, or null when both are zero. */
export function weightPenalty(variables: readonly tf.Variable[], options: RegularizerOptions): tf.Scalar | null {
  const l1 = options.l1 ?? 0;
  const l2 = options.l2 ?? 0;
  checkNonNegative('l1', l1);
  checkNonNegative('l2', l2);
  if (l1 === 0 && l2 === 0) return null;
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const v of variables) {
      if (v.rank < 2) continue;
      if (l1 > 0) total = tf.add(total, tf.mul(tf.sum(tf.abs(v)), l1));
      if (l2 > 0) total = tf.add(total, tf.mul(tf.sum(tf.square(v)), l2));
    }
    return total;
  });
}
