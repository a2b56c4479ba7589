import type { ImageSet } from '@edl/datasets';
import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors/training-error.ts';

/**
 * The data the trainer reads: pixels NHWC (uint8 0..255 or float32 in [0, 1]) and int32 labels. `@edl/datasets`'
 * `ImageSet` satisfies it: it is that type's shape and labels, with float32 pixels allowed too.
 */
export interface LabelledImages extends Omit<ImageSet, 'images' | 'classNames'> {
  /** Pixels, `count * height * width * channels` values, NHWC: uint8 0..255 or float32 in [0, 1]. */
  readonly images: Uint8Array | Float32Array;
}

/** Checks the shape of a {@link LabelledImages}, naming `what` (e.g. `'train'`) in the error. */
export function checkLabelledImages(what: string, set: LabelledImages): void {
  const per = set.height * set.width * set.channels;
  if (!(set.count > 0) || set.labels.length !== set.count || set.images.length !== set.count * per) {
    throw new TrainingError(
      'invalid-input',
      what,
      `${what}: expected ${set.count} images of ${set.height}x${set.width}x${set.channels} and as many labels, got ` +
        `${set.images.length} pixel values and ${set.labels.length} labels`,
    );
  }
}

/** The batch of images `indices` (optionally augmented) as `{ x: [B, H, W, C] float32 in [0, 1], y: [B] int32 }`. */
export function gatherBatch(
  set: LabelledImages,
  indices: ArrayLike<number>,
  augment?: (pixels: Float32Array, shape: [number, number, number, number]) => Float32Array,
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const per = set.height * set.width * set.channels;
  const n = indices.length;
  const pixels = new Float32Array(n * per);
  const labels = new Int32Array(n);
  const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    const src = set.images.subarray(i * per, (i + 1) * per);
    const off = k * per;
    for (let j = 0; j < per; j++) pixels[off + j] = src[j]! * scale;
    labels[k] = set.labels[i]!;
  }
  const shape: [number, number, number, number] = [n, set.height, set.width, set.channels];
  const out = augment ? augment(pixels, shape) : pixels;
  if (out.length !== pixels.length)
    throw new TrainingError(
      'invalid-input',
      'augment',
      `augment: returned ${out.length} values, expected ${pixels.length}`,
    );
  return {
    x: tf.tensor4d(out, [n, set.height, set.width, set.channels]),
    y: tf.tensor1d(labels, 'int32'),
  };
}

/** The first `n` images (all when n >= count) of a set, as index array. */
export function firstIndices(set: LabelledImages, n: number): Int32Array {
  const m = Math.min(set.count, Math.max(0, Math.floor(n)));
  return Int32Array.from({ length: m }, (_, i) => i);
}
