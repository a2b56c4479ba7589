import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_SHARED_DATA, SHARED_DATA, sharedData } from '../testing/shared-data.ts';
import { loadCifar100 } from './cifar-files.ts';

// Fine labels of CIFAR-100 test images 0-19 (notes/datasets.md §3).
const FINE = [49, 33, 72, 51, 71, 92, 15, 14, 23, 0, 71, 75, 81, 69, 40, 43, 92, 97, 70, 53];

describe.skipIf(!SHARED_DATA)(
  `CIFAR-100 PNG sample as a binary fixture (${SHARED_DATA ? 'present' : NO_SHARED_DATA})`,
  () => {
    const tmp = mkdtempSync(join(tmpdir(), 'edl-c100-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('writes the 20 PNGs as official CIFAR-100 records and reads back the fine labels and pixels', () => {
      const dir = sharedData('cifar100-sample');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.png'))
        .sort();
      expect(files.length).toBe(20);
      const records: Uint8Array[] = [];
      const rgba: Uint8Array[] = [];
      for (const f of files) {
        const m = /^cifar100_(\d+)_(\d+)\.png$/.exec(f);
        expect(m).not.toBeNull();
        const png = PNG.sync.read(readFileSync(join(dir, f)));
        expect([png.width, png.height]).toEqual([32, 32]);
        const rec = new Uint8Array(3074);
        rec[0] = 0; // coarse label unknown here
        rec[1] = Number(m![2]);
        for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) rec[2 + c * 1024 + p] = png.data[p * 4 + c]!;
        records.push(rec);
        rgba.push(png.data);
      }
      mkdirSync(join(tmp, 'cifar-100-binary'));
      writeFileSync(join(tmp, 'cifar-100-binary', 'test.bin'), Buffer.concat(records));
      const set = loadCifar100(tmp, { split: 'test' });
      expect(set.numClasses).toBe(100);
      expect([...set.labels]).toEqual(FINE);
      for (let i = 0; i < 20; i++)
        for (const p of [0, 517, 1023])
          for (let c = 0; c < 3; c++) expect(set.images[i * 3072 + p * 3 + c]).toBe(rgba[i]![p * 4 + c]);
    });
  },
);
