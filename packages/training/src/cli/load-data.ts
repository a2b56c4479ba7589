import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_CLASSES, type ImageSet } from '@edl/datasets';
import { loadCifar10, loadCifar100, loadCifarBinaryFiles, loadMnist, loadTinyImageNet } from '@edl/datasets/node';
import type { TrainConfig } from './train-config.ts';
import { UserError } from './user-error.ts';

/** The first `n` images of a set (a cheap, deterministic subset: the loaders already fix a shuffled order). */
export function head(set: ImageSet, n: number): ImageSet {
  const m = Math.min(n, set.count);
  const per = set.height * set.width * set.channels;
  return { ...set, images: set.images.subarray(0, m * per), labels: set.labels.subarray(0, m), count: m };
}

/** Loads the train and test sets the config names, with errors that say what to do. */
export async function loadData(
  c: Pick<TrainConfig, 'dataset' | 'dataDir' | 'trainCount' | 'testCount'>,
): Promise<{ train: ImageSet; test: ImageSet }> {
  if (c.dataset === 'mnist') {
    return {
      train: head(loadMnist({ split: 'train' }), c.trainCount),
      test: head(loadMnist({ split: 'test' }), c.testCount),
    };
  }
  const dir = c.dataDir;
  if (dir === undefined || !existsSync(dir)) {
    throw new UserError(`--data-dir: folder not found: ${String(dir)} (point it at the ${c.dataset} files)`);
  }
  try {
    if (c.dataset === 'cifar10' && existsSync(join(dir, 'test_first1000.bin'))) {
      // the project's lossless subset (shared/data/cifar10): train_first4000.bin + test_first1000.bin
      const opts = { format: 'cifar10' as const, classNames: CIFAR10_CLASSES };
      return {
        train: head(loadCifarBinaryFiles([join(dir, 'train_first4000.bin')], opts), c.trainCount),
        test: head(loadCifarBinaryFiles([join(dir, 'test_first1000.bin')], opts), c.testCount),
      };
    }
    if (c.dataset === 'cifar10' || c.dataset === 'cifar100') {
      const load = c.dataset === 'cifar10' ? loadCifar10 : loadCifar100;
      return {
        train: head(load(dir, { split: 'train' }), c.trainCount),
        test: head(load(dir, { split: 'test' }), c.testCount),
      };
    }
    const val = loadTinyImageNet(dir, { split: 'val' });
    const nTest = Math.min(c.testCount, Math.floor(val.count / 5));
    const per = val.height * val.width * val.channels;
    const test = {
      ...val,
      images: val.images.subarray(0, nTest * per),
      labels: val.labels.subarray(0, nTest),
      count: nTest,
    };
    const rest = {
      ...val,
      images: val.images.subarray(nTest * per),
      labels: val.labels.subarray(nTest),
      count: val.count - nTest,
    };
    return { train: head(rest, c.trainCount), test };
  } catch (error) {
    throw new UserError(`--data-dir ${dir}: could not load ${c.dataset}: ${(error as Error).message}`);
  }
}
