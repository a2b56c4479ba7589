import * as tf from '@tensorflow/tfjs';

/**
 * Rows `indices` of a batch (forward only: uses `tf.gather`, whose gradient is missing on wasm, so never call it
 * inside a differentiated function). The caller owns the result.
 */
export function takeRows<T extends tf.Tensor>(x: T, indices: readonly number[]): T {
  return tf.tidy(() => tf.gather(x, tf.tensor1d([...indices], 'int32'), 0) as T);
}

/**
 * A copy of `base` with rows `indices` replaced by the rows of `rows` (row k of `rows` goes to `indices[k]`).
 * Works on host memory (one download of each tensor); the caller owns the result and keeps its inputs.
 */
export async function replaceRows<T extends tf.Tensor>(
  base: T,
  indices: readonly number[],
  rows: tf.Tensor,
): Promise<T> {
  if (rows.shape[0] !== indices.length) {
    throw new Error(`replaceRows: rows has ${rows.shape[0]} rows but ${indices.length} indices were given`);
  }
  const n = base.shape[0] ?? 0;
  const data = Float32Array.from((await base.data()) as Float32Array);
  const rowSize = n === 0 ? 0 : data.length / n;
  const src = await rows.data();
  indices.forEach((row, k) => {
    if (!Number.isInteger(row) || row < 0 || row >= n) throw new Error(`replaceRows: index ${row} outside [0, ${n})`);
    data.set(src.subarray(k * rowSize, (k + 1) * rowSize), row * rowSize);
  });
  return tf.tensor(data, base.shape, base.dtype) as T;
}

/** Indices `i` where `flags[i]` is true. */
export function indicesWhere(flags: readonly boolean[]): number[] {
  const out: number[] = [];
  flags.forEach((f, i) => {
    if (f) out.push(i);
  });
  return out;
}
