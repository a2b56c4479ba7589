import { describe, expect, it } from 'vitest';
import { createImageSet } from '../images/image-set.ts';
import { iterateArrayBatches } from './array-batches.ts';

const n = 23;
const set = createImageSet({
  images: Uint8Array.from({ length: n * 4 * 4 * 3 }, (_, i) => (i * 37) % 256),
  labels: Int32Array.from({ length: n }, (_, i) => i % 5),
  height: 4,
  width: 4,
  channels: 3,
  numClasses: 5,
});
const per = 48;
const collect = (o: Parameters<typeof iterateArrayBatches>[1]) => [...iterateArrayBatches(set, o)];

describe('iterateArrayBatches', () => {
  it('visits every image once, in order, as float32 in [0, 1] equal to bytes / 255', () => {
    const batches = collect({ batchSize: 5 });
    expect(batches.map((b) => b.shape[0])).toEqual([5, 5, 5, 5, 3]);
    expect(batches[0]!.shape).toEqual([5, 4, 4, 3]);
    const idx = batches.flatMap((b) => [...b.indices]);
    expect(idx).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const b of batches)
      b.indices.forEach((i, k) => {
        expect(b.y[k]).toBe(set.labels[i]);
        for (let p = 0; p < per; p++) expect(b.x[k * per + p]).toBeCloseTo(set.images[i * per + p]! / 255, 6);
      });
  });
  it('drops the last partial batch when asked', () => {
    expect(collect({ batchSize: 5, dropLast: true }).map((b) => b.shape[0])).toEqual([5, 5, 5, 5]);
  });
  it('shuffles reproducibly: same seed same batches, different seed or epoch different order', () => {
    const aug = { crop: { padding: 1 }, flip: true, cutout: { size: 2 } };
    const a = collect({ batchSize: 8, shuffle: true, seed: 1, augment: aug });
    const b = collect({ batchSize: 8, shuffle: true, seed: 1, augment: aug });
    expect(a.map((x) => [...x.indices])).toEqual(b.map((x) => [...x.indices]));
    a.forEach((x, i) => {
      expect([...x.x]).toEqual([...b[i]!.x]);
    });
    const c = collect({ batchSize: 8, shuffle: true, seed: 2 });
    const e = collect({ batchSize: 8, shuffle: true, seed: 1, epoch: 1 });
    const order = (bs: typeof a) => bs.flatMap((x) => [...x.indices]);
    expect(order(c)).not.toEqual(order(a));
    expect(order(e)).not.toEqual(order(a));
    expect([...order(c)].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
  });
  it('augments: values stay in [0, 1] and mixup gives [n, numClasses] soft labels summing to 1', () => {
    for (const b of collect({
      batchSize: 7,
      shuffle: true,
      augment: { crop: { padding: 2 }, flip: true, cutout: { size: 2 }, mixup: { alpha: 1 } },
    })) {
      expect(b.x.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(b.ySoft?.length).toBe(b.shape[0] * 5);
      for (let i = 0; i < b.shape[0]; i++)
        expect(b.ySoft!.subarray(i * 5, i * 5 + 5).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    }
  });
  it('flip alone gives each image either as is or mirrored', () => {
    for (const b of collect({ batchSize: 23, augment: { flip: true }, seed: 4 })) {
      let flipped = 0;
      b.indices.forEach((i, k) => {
        const same = Array.from(
          { length: per },
          (_, p) => b.x[k * per + p] === Math.fround(set.images[i * per + p]! / 255),
        ).every(Boolean);
        const mirrored = Array.from({ length: per }, (_, p) => {
          const y = Math.floor(p / 12);
          const x = Math.floor((p % 12) / 3);
          const c = p % 3;
          return b.x[k * per + p] === Math.fround(set.images[i * per + (y * 4 + 3 - x) * 3 + c]! / 255);
        }).every(Boolean);
        expect(same || mirrored).toBe(true);
        if (!same) flipped++;
      });
      expect(flipped).toBeGreaterThan(3);
      expect(flipped).toBeLessThan(20);
    }
  });
  it('normalises per channel', () => {
    const mean = [0.5, 0.4, 0.3];
    const std = [0.2, 0.25, 0.5];
    const [b] = collect({ batchSize: 2, normalize: { mean, std } });
    for (let p = 0; p < per * 2; p++)
      expect(b!.x[p]).toBeCloseTo((set.images[p]! / 255 - mean[p % 3]!) / std[p % 3]!, 5);
    expect(() => collect({ batchSize: 2, normalize: { mean: [0], std: [1] } })).toThrow(/need 3 values/);
  });
  it('rejects bad options', () => {
    expect(() => collect({ batchSize: 0 })).toThrow(/batchSize must be an integer >= 1/);
    expect(() => collect({ batchSize: 2, augment: { crop: { padding: -1 } } })).toThrow(/crop.padding/);
  });
});
