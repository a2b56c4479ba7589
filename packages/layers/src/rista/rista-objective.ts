import type { ConvOperator } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '../core/checkers.ts';

/** How {@link ristaObjective} reduces over the batch. */
export type ObjectiveReduction = 'mean' | 'sum';

/**
 * The elastic dictionary-learning objective (paper Eq. 9 / Fig. 6) of codes `z` for images `x`:
 * `beta/2 ||x - A* z||_2^2 + (1 - beta)/2 ||x - A* z||_1 + lambda ||z||_1`.
 *
 * Every norm is taken over one sample (all pixels and channels); `reduction: 'mean'` (the default) averages the
 * per-sample objectives over the batch, `'sum'` adds them up. Returns a scalar tensor (no data read-back).
 *
 * @param op - the operator pair `A`, `A*` (see `convOperator` in `@edl/ops`) built for `x.shape`
 * @param x - images `[B, H, W, C]` (NHWC)
 * @param z - codes `[B, Ho, Wo, D]`
 * @param beta - weight of the l2 fidelity, in [0, 1] (1: Vanilla DL, 0: Robust DL)
 * @param lambda - sparsity weight, >= 0
 * @example
 * const f = ristaObjective(op, x, z, { beta: 0.5, lambda: 0.1 }); // tf.Scalar
 */
export function ristaObjective(
  op: ConvOperator,
  x: tf.Tensor4D,
  z: tf.Tensor4D,
  options: { beta: number | tf.Scalar; lambda: number | tf.Scalar; reduction?: ObjectiveReduction },
): tf.Scalar {
  const reduction = options.reduction ?? 'mean';
  checkOneOf('reduction', reduction, ['mean', 'sum']);
  return tf.tidy(() => {
    const r = tf.sub(x, op.adjoint(z));
    const l2 = tf.sum(tf.square(r), [1, 2, 3]);
    const l1 = tf.sum(tf.abs(r), [1, 2, 3]);
    const sparsity = tf.sum(tf.abs(z), [1, 2, 3]);
    const beta = options.beta;
    const perSample = tf.add(
      tf.add(tf.mul(tf.div(beta, 2), l2), tf.mul(tf.div(tf.sub(1, beta), 2), l1)),
      tf.mul(options.lambda, sparsity),
    );
    return (reduction === 'mean' ? tf.mean(perSample) : tf.sum(perSample)) as tf.Scalar;
  });
}
