import { randomCrop } from '../augment/crop-with-padding.ts';
import { randomCutout } from '../augment/cutout.ts';
import { horizontalFlip } from '../augment/horizontal-flip.ts';
import { mixupBatch } from '../augment/mixup.ts';
import { checkNonNegativeInt, checkPositive, checkPositiveInt } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';
import { createRng, shuffleInPlace } from '../core/rng.ts';
import type { ImageSet } from '../images/image-set.ts';
import type { BatchOptions } from './batch-options.ts';

/** One batch as plain arrays. */
export interface ArrayBatch {
  /** Images, NHWC float32, in [0, 1] unless normalised; `shape[0] * shape[1] * shape[2] * shape[3]` values. */
  x: Float32Array;
  /** Integer labels, one per image (for mixup: the label of each image before mixing). */
  y: Int32Array;
  /** Mixup only: soft labels `[n, numClasses]` row-major, each row sums to 1. */
  ySoft?: Float32Array;
  /** `[n, height, width, channels]`. */
  shape: [number, number, number, number];
  /** Index in the image set of each image of the batch. */
  indices: Int32Array;
}

function checkOptions(set: ImageSet, o: BatchOptions): void {
  checkPositiveInt('batchSize', o.batchSize);
  const a = o.augment;
  if (a?.crop) checkNonNegativeInt('augment.crop.padding', a.crop.padding);
  if (a?.cutout) checkPositiveInt('augment.cutout.size', a.cutout.size);
  if (a?.mixup) checkPositive('augment.mixup.alpha', a.mixup.alpha);
  const nz = o.normalize;
  if (nz) {
    if (nz.mean.length !== set.channels || nz.std.length !== set.channels) {
      throw new DatasetError(
        'invalid-option',
        'normalize',
        `iterateArrayBatches: normalize.mean and normalize.std need ${set.channels} values (one per channel)`,
      );
    }
    if (nz.std.some((s) => !(s > 0)))
      throw new DatasetError('invalid-option', 'normalize', 'iterateArrayBatches: normalize.std values must be > 0');
  }
}

/**
 * Iterates over an {@link ImageSet} in batches of float32 NHWC arrays in [0, 1], converting and augmenting one
 * batch at a time from the uint8 store (a fresh `x` array per batch; nothing else is kept between batches).
 * Per image: random crop with padding, horizontal flip (p = 0.5), Cutout; per batch: Mixup, then normalisation.
 *
 * @param set - the images.
 * @param options - batch size, shuffling, seed, epoch, dropLast, augment, normalize.
 * @returns a generator of {@link ArrayBatch}.
 * @example
 * for (const b of iterateArrayBatches(loadMnist(), { batchSize: 64, shuffle: true, seed: 1 })) train(b.x, b.y);
 */
export function* iterateArrayBatches(set: ImageSet, options: BatchOptions): Generator<ArrayBatch> {
  checkOptions(set, options);
  const { batchSize, augment = {}, normalize } = options;
  const seed = `${options.seed ?? 0}/${options.epoch ?? 0}`;
  const order = new Int32Array(set.count);
  for (let i = 0; i < set.count; i++) order[i] = i;
  if (options.shuffle) shuffleInPlace(order, createRng(`${seed}/order`));
  const rng = createRng(`${seed}/augment`);
  const shape = { height: set.height, width: set.width, channels: set.channels };
  const per = set.height * set.width * set.channels;
  const scratch = new Uint8Array(per);
  const end = options.dropLast ? set.count - (set.count % batchSize) : set.count;
  for (let start = 0; start < end; start += batchSize) {
    const n = Math.min(batchSize, end - start);
    const x = new Float32Array(n * per);
    const y = new Int32Array(n);
    const indices = order.slice(start, start + n);
    for (let b = 0; b < n; b++) {
      const idx = indices[b]!;
      const src = set.images.subarray(idx * per, (idx + 1) * per);
      if (augment.crop) randomCrop(src, scratch, shape, augment.crop.padding, rng);
      else scratch.set(src);
      if (augment.flip && rng.uniform() < 0.5) horizontalFlip(scratch, shape);
      const o = b * per;
      for (let k = 0; k < per; k++) x[o + k] = scratch[k]! / 255;
      if (augment.cutout) randomCutout(x.subarray(o, o + per), shape, augment.cutout.size, rng);
      y[b] = set.labels[idx]!;
    }
    const batch: ArrayBatch = { x, y, shape: [n, set.height, set.width, set.channels], indices };
    if (augment.mixup) batch.ySoft = mixupBatch(x, y, set.numClasses, augment.mixup.alpha, rng).soft;
    if (normalize) {
      const c = set.channels;
      for (let k = 0; k < x.length; k++) x[k] = (x[k]! - normalize.mean[k % c]!) / normalize.std[k % c]!;
    }
    yield batch;
  }
}
