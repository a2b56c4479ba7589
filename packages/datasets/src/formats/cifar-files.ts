import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../core/dataset-error.ts';
import type { OnError } from '../core/on-error.ts';
import { concatImageSets } from '../images/concat-image-sets.ts';
import type { ImageSet } from '../images/image-set.ts';
import { CIFAR10_CLASSES, type ParseCifarBinaryOptions, parseCifarBinary } from './cifar-binary.ts';

/**
 * Reads one or more files in the official CIFAR binary format and concatenates them in the given order.
 *
 * @param paths - the files (e.g. `['data_batch_1.bin', …]`).
 * @param options - as {@link parseCifarBinary}; `source` is set to each path.
 * @returns one image set.
 */
export function loadCifarBinaryFiles(
  paths: readonly string[],
  options: Omit<ParseCifarBinaryOptions, 'source'>,
): ImageSet {
  if (paths.length === 0)
    throw new DatasetError('invalid-option', 'paths', 'loadCifarBinaryFiles: paths must name at least one file');
  return concatImageSets(
    paths.map((p) => {
      if (!existsSync(p)) throw new DatasetError('invalid-file', 'paths', `loadCifarBinaryFiles: file not found: ${p}`);
      return parseCifarBinary(readFileSync(p), { ...options, source: p });
    }),
  );
}

/** Options of {@link loadCifar10} and {@link loadCifar100}. */
export interface CifarDirOptions {
  /** `'train'` (50,000 images) or `'test'` (10,000), default `'train'`. */
  split?: 'train' | 'test';
  /** Bad records: throw (default) or skip. */
  onError?: OnError;
}

function findDir(fn: string, dir: string, sub: string, files: readonly string[]): string {
  for (const d of [join(dir, sub), dir]) {
    if (files.every((f) => existsSync(join(d, f)))) return d;
  }
  throw new DatasetError(
    'invalid-file',
    'dir',
    `${fn}: could not find ${files.join(', ')} in ${dir} or ${join(dir, sub)}. Download the official binary archive ` +
      `(see downloadDataset / DATASET_SOURCES) and extract it there, or call downloadDataset() to do it for you.`,
  );
}

function readNames(path: string, expected: number): readonly string[] | undefined {
  if (!existsSync(path)) return undefined;
  const names = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== expected)
    throw new DatasetError(
      'invalid-file',
      'dir',
      `CIFAR class names: ${path} lists ${names.length} names, expected ${expected}`,
    );
  return names;
}

/**
 * Loads CIFAR-10 from the official binary archive's folder `cifar-10-batches-bin/` (pass it or its parent):
 * train = `data_batch_1.bin` … `data_batch_5.bin` in order, test = `test_batch.bin`. 32x32x3 uint8 HWC.
 *
 * @param dir - folder holding the `.bin` files, or its parent.
 * @param options - split and onError.
 * @returns the image set with the 10 class names.
 */
export function loadCifar10(dir: string, options: CifarDirOptions = {}): ImageSet {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new DatasetError('invalid-option', 'split', `loadCifar10: options.split must be 'train' or 'test'`);
  const files = split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const d = findDir('loadCifar10', dir, 'cifar-10-batches-bin', files);
  const classNames = readNames(join(d, 'batches.meta.txt'), 10) ?? CIFAR10_CLASSES;
  return loadCifarBinaryFiles(
    files.map((f) => join(d, f)),
    { format: 'cifar10', classNames, ...(options.onError ? { onError: options.onError } : {}) },
  );
}

/**
 * Loads CIFAR-100 from the official binary archive's folder `cifar-100-binary/` (pass it or its parent):
 * `train.bin` (50,000) or `test.bin` (10,000). 32x32x3 uint8 HWC.
 *
 * @param dir - folder holding the `.bin` files, or its parent.
 * @param options - split, onError, and `labels`: `'fine'` (100 classes, default) or `'coarse'` (20).
 * @returns the image set, with class names when the archive's name files are present.
 */
export function loadCifar100(dir: string, options: CifarDirOptions & { labels?: 'fine' | 'coarse' } = {}): ImageSet {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new DatasetError('invalid-option', 'split', `loadCifar100: options.split must be 'train' or 'test'`);
  const labels = options.labels ?? 'fine';
  const file = `${split}.bin`;
  const d = findDir('loadCifar100', dir, 'cifar-100-binary', [file]);
  const classNames = readNames(join(d, `${labels}_label_names.txt`), labels === 'fine' ? 100 : 20);
  return loadCifarBinaryFiles([join(d, file)], {
    format: 'cifar100',
    labels,
    ...(classNames ? { classNames } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
