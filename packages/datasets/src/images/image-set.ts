import { checkPositiveInt } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';
/**
 * A labelled set of images stored as uint8, NHWC, in one contiguous buffer.
 *
 * Every loader of this package returns one. Image `i` occupies
 * `images.subarray(i * height * width * channels, (i + 1) * height * width * channels)`, pixels row-major and
 * channels interleaved (HWC), values 0..255. Conversion to float32 in [0, 1] happens per batch only
 * (see {@link iterateArrayBatches}), so a 50,000-image set costs 1 byte per value, not 4.
 */
export interface ImageSet {
  /** Pixels, `count * height * width * channels` bytes, NHWC. */
  readonly images: Uint8Array;
  /** One class index per image, each in `[0, numClasses)`. */
  readonly labels: Int32Array;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel (1 grey, 3 RGB). */
  readonly channels: number;
  /** Number of classes. */
  readonly numClasses: number;
  /** Class names by index, when the source names them. */
  readonly classNames?: readonly string[];
}

/** Fields accepted by {@link createImageSet}; `count` is derived from `labels.length`. */
export interface ImageSetInit {
  images: Uint8Array;
  labels: Int32Array;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames?: readonly string[];
}

/**
 * Builds an {@link ImageSet}, checking that the buffer length matches the shape and that every label is in range.
 *
 * @param init - pixels, labels, shape and class information.
 * @returns the validated image set.
 * @example
 * const set = createImageSet({ images: new Uint8Array(2 * 4), labels: Int32Array.of(0, 1), height: 2, width: 2,
 *   channels: 1, numClasses: 2 });
 */
export function createImageSet(init: ImageSetInit): ImageSet {
  const { images, labels, height, width, channels, numClasses, classNames } = init;
  checkPositiveInt('height', height);
  checkPositiveInt('width', width);
  checkPositiveInt('channels', channels);
  checkPositiveInt('numClasses', numClasses);
  const perImage = height * width * channels;
  if (images.length !== labels.length * perImage) {
    throw new DatasetError(
      'invalid-input',
      'images',
      `createImageSet: images has ${images.length} bytes, expected ${labels.length} images x ${perImage} = ${labels.length * perImage}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0 || l >= numClasses)
      throw new DatasetError(
        'invalid-input',
        'labels',
        `createImageSet: labels[${i}] = ${l} is outside [0, ${numClasses})`,
      );
  }
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new DatasetError(
      'invalid-option',
      'classNames',
      `createImageSet: classNames has ${classNames.length} names, expected numClasses = ${numClasses}`,
    );
  }
  const set: ImageSet = { images, labels, count: labels.length, height, width, channels, numClasses };
  return classNames === undefined ? set : { ...set, classNames };
}

/**
 * Histogram of labels: `result[c]` is the number of images of class `c`.
 *
 * @param set - the image set.
 * @returns an array of length `set.numClasses`.
 */
export function labelHistogram(set: ImageSet): number[] {
  const h = new Array<number>(set.numClasses).fill(0);
  for (const l of set.labels) h[l] = (h[l] ?? 0) + 1;
  return h;
}
