import { describe, expect, it } from 'vitest';
import { concatImageSets } from './concat-image-sets.ts';
import { createImageSet, labelHistogram } from './image-set.ts';

const base = { height: 2, width: 2, channels: 1, numClasses: 3 };

describe('createImageSet', () => {
  it('builds a set and counts labels', () => {
    const s = createImageSet({ ...base, images: new Uint8Array(12), labels: Int32Array.of(0, 2, 2) });
    expect(s.count).toBe(3);
    expect(labelHistogram(s)).toEqual([1, 0, 2]);
  });
  it('rejects wrong buffer sizes and labels out of range', () => {
    expect(() => createImageSet({ ...base, images: new Uint8Array(11), labels: Int32Array.of(0, 1, 2) })).toThrow(
      /images has 11 bytes, expected 3 images x 4/,
    );
    expect(() => createImageSet({ ...base, images: new Uint8Array(8), labels: Int32Array.of(0, 3) })).toThrow(
      /labels\[1\] = 3 is outside \[0, 3\)/,
    );
    expect(() => createImageSet({ ...base, height: 0, images: new Uint8Array(0), labels: new Int32Array(0) })).toThrow(
      /height must be an integer >= 1/,
    );
  });
  it('concatenates in order and checks shapes', () => {
    const a = createImageSet({
      ...base,
      images: Uint8Array.from({ length: 4 }, (_, i) => i),
      labels: Int32Array.of(1),
    });
    const b = createImageSet({
      ...base,
      images: Uint8Array.from({ length: 8 }, (_, i) => 10 + i),
      labels: Int32Array.of(2, 0),
    });
    const c = concatImageSets([a, b]);
    expect([...c.labels]).toEqual([1, 2, 0]);
    expect([...c.images.subarray(0, 6)]).toEqual([0, 1, 2, 3, 10, 11]);
    const d = createImageSet({ ...base, channels: 3, images: new Uint8Array(12), labels: Int32Array.of(0) });
    expect(() => concatImageSets([a, d])).toThrow(/sets\[1\] is 2x2x3, expected 2x2x1/);
  });
});
