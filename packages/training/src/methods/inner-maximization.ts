import { type PgdStart, pgdAscent } from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative, checkNonNegativeInt } from '../errors/checkers.ts';

/** Settings of the inner maximisation (the attack that generates training examples). */
export interface InnerAttackOptions {
  /** L∞ radius (the `eps` of `@edl/attacks`' threat model). */
  eps: number;
  /** Step size of each signed-gradient step. */
  stepSize: number;
  /** Number of steps (0 returns the start point). */
  steps: number;
  /** Start: uniform in the ε-ball (Madry), `normal` = x + 0.001·N(0, 1) (TRADES / MART / HAT), or `none`. */
  init: 'uniform' | 'normal' | 'none';
  /** Seed of the random start. */
  seed: number;
}

const STARTS: Record<InnerAttackOptions['init'], PgdStart> = {
  uniform: 'uniform',
  normal: { normalStd: 0.001 },
  none: 'none',
};

/**
 * L∞ projected sign-gradient ascent on `objective(logits)` (a scalar, summed over the batch so the per-sample
 * gradients are not scaled by the batch size): `x ← Π_{ε-ball ∩ [0,1]}(x + α·sign(∇x))`. It is `@edl/attacks`'
 * PGD core (`pgdAscent`: seeded start, no device reads in the loop). `forward` must be the model in the mode the
 * method prescribes (eval mode for every method here). Returns a new tensor; tidy-clean.
 */
export function innerMaximize(
  forward: (x: tf.Tensor4D) => tf.Tensor2D,
  x: tf.Tensor4D,
  objective: (logits: tf.Tensor2D) => tf.Scalar,
  options: InnerAttackOptions,
): tf.Tensor4D {
  const { eps, stepSize, steps, init, seed } = options;
  checkNonNegative('eps', eps);
  checkNonNegative('stepSize', stepSize);
  checkNonNegativeInt('steps', steps);
  return pgdAscent(forward, x, {
    norm: 'linf',
    eps,
    stepSize,
    steps,
    // The gradient of the scalar objective: a one-entry "per-sample" loss whose sum is the objective.
    lossFn: (logits) => tf.reshape(objective(logits), [1]) as tf.Tensor1D,
    start: STARTS[init],
    seed,
  });
}
