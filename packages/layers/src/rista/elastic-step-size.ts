import * as tf from '@tensorflow/tfjs';
import { checkNumber, checkNumberOrScalar } from '../core/checkers.ts';
import { stopGradient } from './stop-gradient.ts';

/**
 * The RISTA step size that descends for every `beta`: `t = lipschitzStep / (beta + (1 - beta) / (2 eps))`, i.e.
 * `0.9 / (L (beta + (1 - beta) / (2 eps)))` for `lipschitzStep = 0.9 / L`, `L = ||A||^2`.
 *
 * Each RISTA step is one proximal-gradient step on the reweighted quadratic that majorises the elastic objective
 * (paper Lemma 4.1, App. B.2). That quadratic's curvature is `||A diag(beta + (1 - beta) w) A*||`, at most
 * `L (beta + (1 - beta) / (2 eps))` because `w = 1 / (2 (|r| + eps)) <= 1 / (2 eps)`, so this `t` keeps
 * `t * curvature <= 0.9` and the objective cannot rise. `beta = 1` gives SDNet's `0.9 / L` unchanged; `beta = 0`
 * gives `0.9 * 2 eps / L` (`1.8e-3 / L` at the default `eps = 1e-3`), the `t <= 2 eps / L` of Lemma 4.1's descent.
 *
 * With a tensor `beta` or `lipschitzStep` the result is a scalar tensor with a stopped gradient (like `L`, `t` is a
 * constant of the solver, not a path for gradients); numbers give a number. Nothing is read back.
 *
 * @param lipschitzStep - `0.9 / L` (number or scalar tensor, > 0)
 * @param beta - the elastic mix in [0, 1] (number or scalar tensor; a tensor is used as given, clamp it first)
 * @param eps - `eps` of the reweighting, > 0
 * @example
 * elasticStepSize(0.9 / L, 0, 1e-3); // 0.9 * 2e-3 / L
 */
export function elasticStepSize(lipschitzStep: number, beta: number, eps: number): number;
export function elasticStepSize(lipschitzStep: tf.Scalar, beta: number | tf.Scalar, eps: number): tf.Scalar;
export function elasticStepSize(lipschitzStep: number | tf.Scalar, beta: tf.Scalar, eps: number): tf.Scalar;
export function elasticStepSize(
  lipschitzStep: number | tf.Scalar,
  beta: number | tf.Scalar,
  eps: number,
): number | tf.Scalar;
export function elasticStepSize(
  lipschitzStep: number | tf.Scalar,
  beta: number | tf.Scalar,
  eps: number,
): number | tf.Scalar {
  checkNumberOrScalar('lipschitzStep', lipschitzStep, { min: 0, exclusiveMin: true });
  checkNumberOrScalar('beta', beta, { min: 0, max: 1 });
  const e = checkNumber('eps', eps, { min: 0, exclusiveMin: true });
  const weightBound = 1 / (2 * e);
  if (typeof lipschitzStep === 'number' && typeof beta === 'number') {
    return lipschitzStep / (beta + (1 - beta) * weightBound);
  }
  return tf.tidy(() => {
    const curvature =
      typeof beta === 'number' ? beta + (1 - beta) * weightBound : tf.add(beta, tf.mul(tf.sub(1, beta), weightBound));
    return stopGradient(tf.div(lipschitzStep, curvature) as tf.Scalar);
  });
}
