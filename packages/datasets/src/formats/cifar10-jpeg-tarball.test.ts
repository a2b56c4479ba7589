import { describe, expect, it } from 'vitest';
import { openTarArchive } from '../files/tar-archive.ts';
import { labelHistogram } from '../images/image-set.ts';
import { NO_SHARED_DATA, SHARED_DATA, sharedData } from '../testing/shared-data.ts';
import { loadCifarBinaryFiles } from './cifar-files.ts';
import { listImageFolder, loadImageFolder } from './image-folder.ts';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

describe.skipIf(!SHARED_DATA)(
  `CIFAR-10 60,000-image JPEG tarball (${SHARED_DATA ? 'present' : NO_SHARED_DATA})`,
  () => {
    it('lists 5000 / 1000 per class and decodes through the image-folder loader', async () => {
      const tree = await openTarArchive(sharedData('cifar10/cifar10-jpeg-60000.tar.gz'));
      const trainList = listImageFolder(tree, { prefix: 'train' });
      const testList = listImageFolder(tree, { prefix: 'test' });
      expect(trainList.classNames).toEqual(CLASSES);
      expect(testList.classNames).toEqual(CLASSES);
      const perClass = (l: typeof trainList) => CLASSES.map((_, c) => l.entries.filter((e) => e.label === c).length);
      expect(perClass(trainList)).toEqual(new Array(10).fill(5000));
      expect(perClass(testList)).toEqual(new Array(10).fill(1000));
      // All 10,000 test JPEGs and 500 train JPEGs per class are decoded (all 60,000 take ~10-30 s in pure JS here).
      const test = loadImageFolder(tree, { prefix: 'test' });
      const train = loadImageFolder(tree, { prefix: 'train', limitPerClass: 500 });
      expect([test.count, test.height, test.width, test.channels]).toEqual([10_000, 32, 32, 3]);
      expect(labelHistogram(test)).toEqual(new Array(10).fill(1000));
      expect(labelHistogram(train)).toEqual(new Array(10).fill(500));

      // Independent check of the pixels: the k-th JPEG of class c in test/ is the k-th lossless test image of class c
      // (JPEG error about 6/255 on average), while a wrong pairing is far off.
      const lossless = loadCifarBinaryFiles([sharedData('cifar10/test_first1000.bin')], { format: 'cifar10' });
      const seen = new Array(10).fill(0);
      let sum = 0;
      let sumWrong = 0;
      let pairs = 0;
      for (let i = 0; i < 200; i++) {
        const c = lossless.labels[i]!;
        const k = seen[c]++;
        const j = c * 1000 + k; // test set is grouped by class, files sorted 0000..0999
        const jWrong = ((c + 1) % 10) * 1000 + k;
        for (let p = 0; p < 3072; p++) {
          const v = lossless.images[i * 3072 + p]!;
          sum += Math.abs(test.images[j * 3072 + p]! - v);
          sumWrong += Math.abs(test.images[jWrong * 3072 + p]! - v);
        }
        pairs++;
      }
      const mae = sum / (pairs * 3072);
      expect(mae).toBeGreaterThan(2);
      expect(mae).toBeLessThan(10);
      expect(sumWrong / (pairs * 3072)).toBeGreaterThan(30);

      // Same pairing for the train split against the lossless train images 0..3999 (first 100 images).
      const losslessTrain = loadCifarBinaryFiles([sharedData('cifar10/train_first4000.bin')], { format: 'cifar10' });
      const seenTrain = new Array(10).fill(0);
      let sumTrain = 0;
      for (let i = 0; i < 100; i++) {
        const c = losslessTrain.labels[i]!;
        const j = c * 500 + seenTrain[c]++; // 500 decoded per class, grouped by class
        for (let p = 0; p < 3072; p++)
          sumTrain += Math.abs(train.images[j * 3072 + p]! - losslessTrain.images[i * 3072 + p]!);
      }
      expect(sumTrain / (100 * 3072)).toBeLessThan(10);
    });
  },
);
