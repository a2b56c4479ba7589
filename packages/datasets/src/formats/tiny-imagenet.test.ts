import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarArchive } from '../files/tar-archive.ts';
import { labelHistogram } from '../images/image-set.ts';
import { NO_SHARED_DATA, SHARED_DATA, sharedData } from '../testing/shared-data.ts';
import { loadTinyImageNet, TINY_IMAGENET_EXTRA_WNIDS } from './tiny-imagenet.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-tin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function jpg(v: number, side = 64): Buffer {
  const data = Buffer.alloc(side * side * 4, v);
  return jpeg.encode({ data, width: side, height: side }, 90).data;
}

function fixture(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(tmp, name, 'tiny-imagenet-200');
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
  return join(tmp, name);
}

describe('loadTinyImageNet (fixture in the official layout)', () => {
  const root = fixture('ok', {
    'wnids.txt': 'n1\nn2\nn02480855\n',
    'train/n1/images/n1_0.JPEG': jpg(10),
    'train/n1/images/n1_1.JPEG': jpg(20),
    'train/n1/n1_boxes.txt': '',
    'train/n2/images/n2_0.JPEG': jpg(30),
    'train/n02480855/images/x.JPEG': jpg(40),
    'val/images/val_0.JPEG': jpg(50),
    'val/images/val_1.JPEG': jpg(60),
    'val/images/val_2.JPEG': jpg(70),
    'val/val_annotations.txt':
      'val_0.JPEG\tn2\t0\t0\t1\t1\nval_1.JPEG\tn1\t0\t0\t1\t1\nval_2.JPEG\tn02480855\t0\t0\t1\t1\n',
  });
  it('reads train and val, dropping the extra classes by default', () => {
    const val = loadTinyImageNet(root);
    expect(val.classNames).toEqual(['n1', 'n2']);
    expect([...val.labels]).toEqual([1, 0]);
    expect(Math.abs(val.images[0]! - 50)).toBeLessThan(4);
    const train = loadTinyImageNet(root, { split: 'train' });
    expect([...train.labels]).toEqual([0, 0, 1]);
    expect(loadTinyImageNet(root, { split: 'train', limitPerClass: 1 }).count).toBe(2);
    const all = loadTinyImageNet(root, { excludeWnids: [] });
    expect(all.numClasses).toBe(3);
    expect([...all.labels]).toEqual([1, 0, 2]);
  });
  it('rejects annotations of unknown classes and missing files unless skipping', () => {
    const bad = fixture('bad', {
      'wnids.txt': 'n1\n',
      'val/images/val_0.JPEG': jpg(50),
      'val/val_annotations.txt': 'val_0.JPEG\tn1\nval_1.JPEG\tn9\nval_2.JPEG\tn1\n',
    });
    expect(() => loadTinyImageNet(bad)).toThrow(/line 2 \(val_1\.JPEG\) names n9, which is not in wnids\.txt/);
    expect(() => loadTinyImageNet(bad, { excludeWnids: ['n9'] })).toThrow(/file not found: .*val_2\.JPEG/);
    expect(loadTinyImageNet(bad, { onError: 'skip' }).count).toBe(1);
    expect(() => loadTinyImageNet(join(tmp, 'ok', 'tiny-imagenet-200', 'val'))).toThrow(/no wnids\.txt/);
  });
});

describe('loadTinyImageNet: paths named by data files stay inside the dataset root', () => {
  it('refuses an annotation naming ../../../x.JPEG (even with onError skip) although that file exists', () => {
    const root = fixture('escape', {
      'wnids.txt': 'n1\n',
      'val/images/val_0.JPEG': jpg(50),
      'val/val_annotations.txt': 'val_0.JPEG\tn1\n../../../outside.JPEG\tn1\n',
    });
    writeFileSync(join(root, 'outside.JPEG'), jpg(90)); // where the annotation points: outside tiny-imagenet-200/
    expect(() => loadTinyImageNet(root)).toThrow(
      /val_annotations\.txt line 2: path "val\/images\/\.\.\/\.\.\/\.\.\/outside\.JPEG" climbs above the root/,
    );
    expect(() => loadTinyImageNet(root, { onError: 'skip' })).toThrow(/climbs above the root/);
    const absolute = fixture('absolute', {
      'wnids.txt': 'n1\n',
      'val/images/val_0.JPEG': jpg(50),
      'val/val_annotations.txt': 'val_0.JPEG\tn1\n',
    });
    expect(loadTinyImageNet(absolute).count).toBe(1);
  });
});

describe.skipIf(!SHARED_DATA)(`Tiny-ImageNet validation tarball (${SHARED_DATA ? 'present' : NO_SHARED_DATA})`, () => {
  it('gives 200 classes x 50 images, 64x64x3, greyscale expanded', async () => {
    const tree = await openTarArchive(sharedData('tiny-imagenet/tiny-imagenet-val10k.tar.gz'));
    const set = loadTinyImageNet(tree);
    expect([set.count, set.numClasses, set.height, set.width, set.channels]).toEqual([10_000, 200, 64, 64, 3]);
    expect(labelHistogram(set)).toEqual(new Array(200).fill(50));
    for (const w of TINY_IMAGENET_EXTRA_WNIDS) expect(set.classNames).not.toContain(w);
    let grey = 0;
    const per = 64 * 64 * 3;
    for (let i = 0; i < set.count; i++) {
      let same = true;
      for (let p = i * per; p < (i + 1) * per && same; p += 3) {
        same = set.images[p] === set.images[p + 1] && set.images[p] === set.images[p + 2];
      }
      if (same) grey++;
    }
    // About 187 of the 10,000 validation images are greyscale (notes/datasets.md §2).
    expect(grey).toBeGreaterThan(100);
    expect(grey).toBeLessThan(300);
  });
});
