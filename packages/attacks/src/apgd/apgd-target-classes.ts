import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';

/**
 * The class with the `rank`-th highest clean logit per sample (rank 2 = runner-up), as AutoAttack picks the targets
 * of APGD-T and FAB-T (`sort(logits)[:, -rank]`). The caller owns the returned int32 tensor.
 */
export function rankedClassTargets(model: Model, x: tf.Tensor4D, rank: number): tf.Tensor1D {
  return tf.tidy(() => {
    const logits = model(x);
    const classes = logits.shape[1];
    if (!Number.isInteger(rank) || rank < 2 || rank > classes) {
      throw new Error(`target rank must be an integer in [2, ${classes}] for a ${classes}-class model, got ${rank}`);
    }
    const { indices } = tf.topk(logits, rank);
    return tf.reshape(tf.slice(indices, [0, rank - 1], [-1, 1]), [-1]) as tf.Tensor1D;
  });
}

/** AutoAttack's number of target classes: `min(requested, classes - 1)`. */
export function targetCount(requested: number, classes: number): number {
  if (!Number.isInteger(requested) || requested < 1)
    throw new Error(`nTargets must be an integer >= 1, got ${requested}`);
  return Math.max(0, Math.min(requested, classes - 1));
}

/**
 * The target rank of round `round` (0-based) when APGD-T and FAB-T loop over ranks 2, 3, ... (outer) with
 * `nRestarts` restarts each (inner): `2 + floor(round / nRestarts)`.
 */
export function targetRank(round: number, nRestarts: number): number {
  return 2 + Math.floor(round / nRestarts);
}
