import * as tf from '@tensorflow/tfjs';
import { checkPositive } from '../errors/checkers.ts';

/**
 * The reweighting of RISTA (paper Alg. 1, Thm. 4.2): `w = 1 / (2 (|r| + eps))` for a residual `r`.
 * Gradients flow through `w` (the derivative of `|r|` is `sign(r)`, 0 at 0).
 *
 * @param residual - `r = x - A*(z)`
 * @param eps - keeps `w` finite where `r = 0`; must be > 0 (default 1e-3, as in the authors' code)
 */
export function elasticWeights<T extends tf.Tensor>(residual: T, eps = 1e-3): T {
  checkPositive('eps', eps);
  return tf.tidy(() => tf.div(0.5, tf.add(tf.abs(residual), eps))) as T;
}
