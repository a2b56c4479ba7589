import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from './attack.ts';
import { AttackError, checkPositiveInt } from './errors.ts';
import type { Model } from './model.ts';
import type { ProgressCallback } from './progress.ts';
import type { TrustFlag } from './trust-flag.ts';

/** Optional hooks of {@link runBatched}. */
export interface RunBatchedOptions {
  /** Called after each batch with the samples done so far, the total and the attack's name. */
  onProgress?: ProgressCallback;
  /** Target labels for targeted attacks, one per sample. */
  targets?: tf.Tensor1D;
}

function addFlags(into: TrustFlag[], flags: readonly TrustFlag[]): void {
  for (const f of flags) {
    if (!into.some((g) => g.id === f.id && g.message === f.message && g.source === f.source)) into.push(f);
  }
}

/**
 * Runs `attack` on `x`, `y` in slices of `batchSize` samples and concatenates the results, so that memory stays
 * bounded for large sets. Queries are averaged per sample; trust flags of every batch are kept (duplicates once).
 */
export async function runBatched(
  attack: Attack,
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  batchSize: number,
  options: RunBatchedOptions = {},
): Promise<AttackResult> {
  checkPositiveInt('batchSize', batchSize);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new AttackError('invalid-input', 'y', `y has ${y.shape[0]} labels but x has ${n} images`);
  const parts: tf.Tensor4D[] = [];
  const success: boolean[] = [];
  const norms: number[] = [];
  const flags: TrustFlag[] = [];
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
        addFlags(flags, r.flags);
        if (r.queries !== undefined) queries = (queries ?? 0) + r.queries * size;
      } finally {
        tf.dispose([xb, yb, ...(tb ? [tb] : [])]);
      }
      options.onProgress?.(start + size, n, attack.name);
    }
    const xAdv = parts.length === 1 ? (parts[0] as tf.Tensor4D) : (tf.concat(parts, 0) as tf.Tensor4D);
    if (parts.length > 1) tf.dispose(parts);
    const result: AttackResult = { xAdv, success, norms, flags };
    if (queries !== undefined) result.queries = queries / n;
    return result;
  } catch (err) {
    tf.dispose(parts);
    throw err;
  }
}
