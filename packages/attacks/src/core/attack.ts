import * as tf from '@tensorflow/tfjs';
import type { Model } from './model.ts';
import type { ProgressCallback } from './progress.ts';
import { validatePositiveInt } from './validate-inputs.ts';

/** The norm an attack's budget is measured in ('none' for corruptions and unbounded attacks). */
export type AttackNorm = 'linf' | 'l2' | 'l1' | 'l0' | 'none';

/** What every attack returns. */
export interface AttackResult {
  /** Adversarial images, same shape as the input, inside the budget and the [0, 1] box. Owned by the caller. */
  xAdv: tf.Tensor4D;
  /** Per sample: misclassified at `xAdv` (or classified as the target, for targeted attacks). */
  success: boolean[];
  /** Per sample: norm of `xAdv - x` in the attack's norm (l2 for 'none'). */
  norms: number[];
  /** Model queries (forward passes per sample) used, where the attack counts them. */
  queries?: number;
}

/** A configured attack. Create one with a factory such as `pgd({...})`. */
export interface Attack {
  /** Short name, e.g. 'pgd-linf'. */
  name: string;
  /** The norm of the budget. */
  norm: AttackNorm;
  /** The budget (absent for minimal-norm attacks without a bound and for corruptions). */
  eps?: number;
  /** Every setting that determines the result (for reports), seed included. */
  settings: Record<string, unknown>;
  /**
   * Attacks a batch. `x` in [0, 1] NHWC, `y` integer labels. `targets` (optional) are target labels for attacks
   * configured as targeted. Never disposes its inputs.
   */
  run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, targets?: tf.Tensor1D): Promise<AttackResult>;
}

/** Optional hooks of {@link runBatched}. */
export interface RunBatchedOptions {
  /** Called after each batch with the samples done so far, the total and the attack's name. */
  onProgress?: ProgressCallback;
  /** Target labels for targeted attacks, one per sample. */
  targets?: tf.Tensor1D;
}

/**
 * Runs `attack` on `x`, `y` in slices of `batchSize` samples and concatenates the results, so that memory stays
 * bounded for large sets. Queries are summed.
 */
export async function runBatched(
  attack: Attack,
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  batchSize: number,
  options: RunBatchedOptions = {},
): Promise<AttackResult> {
  validatePositiveInt(batchSize, 'batchSize');
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new Error(`y has ${y.shape[0]} labels but x has ${n} images`);
  const parts: tf.Tensor4D[] = [];
  const success: boolean[] = [];
  const norms: number[] = [];
  let queries: number | undefined;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const yb = tf.slice(y, [start], [size]);
      const tb = options.targets === undefined ? undefined : tf.slice(options.targets, [start], [size]);
      try {
        const r = await attack.run(model, xb, yb, tb);
        parts.push(r.xAdv);
        success.push(...r.success);
        norms.push(...r.norms);
        if (r.queries !== undefined) queries = (queries ?? 0) + r.queries * size;
      } finally {
        tf.dispose([xb, yb, ...(tb ? [tb] : [])]);
      }
      options.onProgress?.(start + size, n, attack.name);
    }
    const xAdv = parts.length === 1 ? (parts[0] as tf.Tensor4D) : (tf.concat(parts, 0) as tf.Tensor4D);
    if (parts.length > 1) tf.dispose(parts);
    const result: AttackResult = { xAdv, success, norms };
    if (queries !== undefined) result.queries = queries / n;
    return result;
  } catch (err) {
    tf.dispose(parts);
    throw err;
  }
}
