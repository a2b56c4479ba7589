import { checkPositive } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';
import type { Rng } from '../core/rng.ts';
import { sampleBeta } from './sample-beta.ts';

/** Result of {@link mixupBatch}. */
export interface MixupResult {
  /** Soft labels, `n * numClasses` values, row i = λ·onehot(y_i) + (1 − λ)·onehot(y_perm(i)); each row sums to 1. */
  soft: Float32Array;
  /** The mixing weight used for the whole batch. */
  lambda: number;
  /** The partner index of each image. */
  permutation: Int32Array;
}

/**
 * Mixup (Zhang et al. 2018) on one float batch, in place: one λ ~ Beta(alpha, alpha) per batch (as in the
 * authors' code), partners from a random permutation of the batch, `x_i ← λ x_i + (1 − λ) x_perm(i)`.
 *
 * @param x - the batch, `n * perImage` floats, modified.
 * @param labels - the n integer labels.
 * @param numClasses - number of classes.
 * @param alpha - Beta parameter (> 0; 1 is common for CIFAR).
 * @param rng - seeded random source.
 * @returns soft labels `[n, numClasses]` (row-major), λ and the permutation.
 */
export function mixupBatch(
  x: Float32Array,
  labels: Int32Array,
  numClasses: number,
  alpha: number,
  rng: Rng,
): MixupResult {
  const n = labels.length;
  if (n === 0 || x.length % n !== 0)
    throw new DatasetError('invalid-input', 'x', `mixupBatch: x has ${x.length} values, not a multiple of n = ${n}`);
  checkPositive('alpha', alpha);
  const per = x.length / n;
  const lambda = sampleBeta(alpha, alpha, rng);
  const permutation = new Int32Array(n);
  for (let i = 0; i < n; i++) permutation[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = t;
  }
  const orig = x.slice();
  for (let i = 0; i < n; i++) {
    const a = i * per;
    const b = permutation[i]! * per;
    for (let k = 0; k < per; k++) x[a + k] = lambda * orig[a + k]! + (1 - lambda) * orig[b + k]!;
  }
  const soft = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const yi = labels[i]!;
    const yj = labels[permutation[i]!]!;
    if (yi < 0 || yi >= numClasses)
      throw new DatasetError(
        'invalid-input',
        'labels',
        `mixupBatch: labels[${i}] = ${yi} is outside [0, ${numClasses})`,
      );
    soft[i * numClasses + yi]! += lambda;
    soft[i * numClasses + yj]! += 1 - lambda;
  }
  return { soft, lambda, permutation };
}
