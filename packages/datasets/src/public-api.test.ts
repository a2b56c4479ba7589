import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ImageSet, ImageSetInit, Rng } from './index.ts';
import * as api from './index.ts';
import * as nodeApi from './node.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'CIFAR10_CLASSES',
  'DatasetError',
  'batchToTensors',
  'computeChannelStats',
  'concatImageSets',
  'createImageSet',
  'createRng',
  'cropWithPadding',
  'cutout',
  'horizontalFlip',
  'iterateArrayBatches',
  'iterateTensorBatches',
  'labelHistogram',
  'memoryFileTree',
  'mixupBatch',
  'mnistDigitBytes',
  'mnistFromDigits',
  'parseCifarBinary',
  'randomCrop',
  'randomCutout',
  'shuffleInPlace',
];
const NODE_EXPORTS = [
  'DATASET_SOURCES',
  'DEFAULT_IDLE_TIMEOUT_MS',
  'DEFAULT_MAX_PIXELS',
  'IMAGE_EXTENSIONS',
  'TINY_IMAGENET_EXTRA_WNIDS',
  'decodeEntries',
  'decodeImage',
  'defaultCacheDir',
  'downloadDataset',
  'downloadFile',
  'extractArchive',
  'forEachTarEntry',
  'hashFile',
  'listImageFolder',
  'loadCifar10',
  'loadCifar100',
  'loadCifarBinaryFiles',
  'loadImageFolder',
  'loadMnist',
  'loadTinyImageNet',
  'locateDataset',
  'openDirectory',
  'openTarArchive',
  'openZipArchive',
];

describe('public API of @edl/datasets', () => {
  it('exports exactly the curated runtime names from "." and "./node"', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(nodeApi).sort()).toEqual([...NODE_EXPORTS].sort());
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.createRng).toEqualTypeOf<(seed?: number | string) => Rng>();
    expectTypeOf<Rng['int']>().toEqualTypeOf<(lo: number, hi: number) => number>();
    expectTypeOf<Rng['uniform']>().toEqualTypeOf<(lo?: number, hi?: number) => number>();
    expectTypeOf(api.createImageSet).toEqualTypeOf<(init: ImageSetInit) => ImageSet>();
    expectTypeOf(nodeApi.loadMnist).returns.toMatchTypeOf<ImageSet | Promise<ImageSet>>();
    expectTypeOf<InstanceType<typeof api.DatasetError>['option']>().toEqualTypeOf<string>();
  });
});
