import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labelHistogram } from '../images/image-set.ts';
import { NO_SHARED_DATA, SHARED_DATA, sharedData } from '../testing/shared-data.ts';
import { parseCifarBinary } from './cifar-binary.ts';
import { loadCifar10, loadCifarBinaryFiles } from './cifar-files.ts';

/** A record whose pixel (c, y, x) holds (c * 31 + y * 7 + x + seed) mod 256, CHW. */
function record(header: number[], seed: number): Uint8Array {
  const r = new Uint8Array(header.length + 3072);
  r.set(header);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) r[header.length + c * 1024 + y * 32 + x] = (c * 31 + y * 7 + x + seed) % 256;
  return r;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'edl-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseCifarBinary (synthetic records)', () => {
  it('turns CHW planes into HWC', () => {
    const set = parseCifarBinary(concat([record([4], 0), record([9], 5)]), { format: 'cifar10' });
    expect([...set.labels]).toEqual([4, 9]);
    expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([2, 32, 32, 3, 10]);
    for (const [i, seed] of [
      [0, 0],
      [1, 5],
    ] as const)
      for (const [y, x, c] of [
        [0, 0, 0],
        [3, 17, 1],
        [31, 31, 2],
      ] as const) {
        expect(set.images[i * 3072 + (y * 32 + x) * 3 + c]).toBe((c * 31 + y * 7 + x + seed) % 256);
      }
  });
  it('reads CIFAR-100 fine or coarse labels', () => {
    const bytes = concat([record([3, 77], 0), record([19, 99], 1)]);
    expect([...parseCifarBinary(bytes, { format: 'cifar100' }).labels]).toEqual([77, 99]);
    const coarse = parseCifarBinary(bytes, { format: 'cifar100', labels: 'coarse' });
    expect([...coarse.labels]).toEqual([3, 19]);
    expect(coarse.numClasses).toBe(20);
  });
  it('names the file and record of a truncated file or a bad label', () => {
    const trunc = concat([record([1], 0), record([2], 0)]).subarray(0, 3073 + 100);
    expect(() => parseCifarBinary(trunc, { format: 'cifar10', source: 'x.bin' })).toThrow(
      /x\.bin is truncated.*record 1 has only 100 bytes/,
    );
    expect(parseCifarBinary(trunc, { format: 'cifar10', onError: 'skip' }).count).toBe(1);
    const bad = concat([record([1], 0), record([12], 0), record([3], 0)]);
    expect(() => parseCifarBinary(bad, { format: 'cifar10', source: 'y.bin' })).toThrow(
      /y\.bin record 1 \(byte 3073\) has label 12, expected 0\.\.9/,
    );
    expect([...parseCifarBinary(bad, { format: 'cifar10', onError: 'skip' }).labels]).toEqual([1, 3]);
  });
  it('loads the official folder layout and says where files go when missing', () => {
    const dir = join(tmp, 'cifar-10-batches-bin');
    rmSync(dir, { recursive: true, force: true });
    expect(() => loadCifar10(tmp, { split: 'test' })).toThrow(/could not find test_batch\.bin.*downloadDataset/);
    mkdirSync(dir);
    writeFileSync(join(dir, 'test_batch.bin'), concat([record([5], 0), record([6], 1)]));
    const set = loadCifar10(tmp, { split: 'test' });
    expect([...set.labels]).toEqual([5, 6]);
    expect(set.classNames?.[5]).toBe('dog');
  });
});

describe.skipIf(!SHARED_DATA)(
  `CIFAR-10 lossless binaries in shared data (${SHARED_DATA ? 'present' : NO_SHARED_DATA})`,
  () => {
    it('test_first1000.bin has the known labels and histogram', () => {
      const set = loadCifarBinaryFiles([sharedData('cifar10/test_first1000.bin')], { format: 'cifar10' });
      expect(set.count).toBe(1000);
      expect([...set.labels.subarray(0, 10)]).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
      expect(labelHistogram(set)).toEqual([103, 89, 100, 103, 90, 86, 112, 102, 106, 109]);
    });
    it('train_first4000.bin has the known histogram and HWC pixels match the raw planes', () => {
      const path = sharedData('cifar10/train_first4000.bin');
      const raw = readFileSync(path);
      const set = loadCifarBinaryFiles([path], { format: 'cifar10' });
      expect(labelHistogram(set)).toEqual([396, 366, 420, 384, 422, 393, 414, 385, 407, 413]);
      expect([...set.labels.subarray(0, 10)]).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
      for (const i of [0, 1234, 3999])
        for (const [y, x, c] of [
          [0, 0, 0],
          [10, 20, 1],
          [31, 5, 2],
        ] as const) {
          expect(set.images[i * 3072 + (y * 32 + x) * 3 + c]).toBe(raw[i * 3073 + 1 + c * 1024 + y * 32 + x]);
        }
    });
  },
);
