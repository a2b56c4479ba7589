import type * as TF from '@tensorflow/tfjs';
import type { ImageSet } from '../images/image-set.ts';
import { type ArrayBatch, iterateArrayBatches } from './array-batches.ts';
import type { BatchOptions } from './batch-options.ts';

/** One batch as tensors; the caller owns them and must dispose them (`tf.dispose(batch)` works). */
export type TensorBatch = {
  /** `[n, height, width, channels]` float32, in [0, 1] unless normalised. */
  x: TF.Tensor4D;
  /** `[n]` int32 labels. */
  y: TF.Tensor1D;
  /** Mixup only: `[n, numClasses]` float32 soft labels, rows sum to 1. */
  ySoft?: TF.Tensor2D;
};

/**
 * Turns an {@link ArrayBatch} into tensors (the only place this package touches tfjs).
 *
 * @param tf - the tfjs namespace (`import * as tf from '@tensorflow/tfjs'`).
 * @param batch - the array batch.
 * @param numClasses - class count (for `ySoft`'s shape).
 * @returns the tensors; dispose them after use.
 */
export function batchToTensors(tf: typeof TF, batch: ArrayBatch, numClasses: number): TensorBatch {
  const x = tf.tensor4d(batch.x, batch.shape, 'float32');
  const y = tf.tensor1d(batch.y, 'int32');
  if (!batch.ySoft) return { x, y };
  return { x, y, ySoft: tf.tensor2d(batch.ySoft, [batch.shape[0], numClasses], 'float32') };
}

/**
 * Iterates over an {@link ImageSet} in batches of tensors: `x` NHWC float32 in [0, 1], `y` int32, plus `ySoft`
 * `[n, numClasses]` with mixup. One float batch exists at a time; the caller disposes each batch's tensors
 * (e.g. `tf.dispose(batch)`). Loads `@tensorflow/tfjs` (a peer dependency) on first use.
 *
 * @param set - the images.
 * @param options - as {@link iterateArrayBatches}.
 * @returns an async generator of {@link TensorBatch}.
 * @example
 * for await (const b of iterateTensorBatches(loadMnist(), { batchSize: 64, shuffle: true })) {
 *   await model.trainOnBatch(b.x, b.y); tf.dispose(b);
 * }
 */
export async function* iterateTensorBatches(set: ImageSet, options: BatchOptions): AsyncGenerator<TensorBatch> {
  const tf = await import('@tensorflow/tfjs');
  for (const batch of iterateArrayBatches(set, options)) yield batchToTensors(tf, batch, set.numClasses);
}
