import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { cutout, randomCutout } from './cutout.ts';

const shape = { height: 10, width: 12, channels: 3 };
const ones = () => new Float32Array(10 * 12 * 3).fill(1);
const zeroPixels = (img: Float32Array) => {
  let n = 0;
  for (let p = 0; p < 120; p++) if (img[p * 3] === 0 && img[p * 3 + 1] === 0 && img[p * 3 + 2] === 0) n++;
  return n;
};

describe('cutout', () => {
  it('zeroes exactly the square inside the image', () => {
    const img = ones();
    expect(cutout(img, shape, 4, 5, 6)).toBe(16);
    expect(zeroPixels(img)).toBe(16);
    // rows 3..6, cols 4..7
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 12; x++) expect(img[(y * 12 + x) * 3] === 0).toBe(y >= 3 && y <= 6 && x >= 4 && x <= 7);
  });
  it('clips at the border', () => {
    const img = ones();
    expect(cutout(img, shape, 5, 0, 11)).toBe(3 * 3); // rows 0..2, cols 9..11
    expect(zeroPixels(img)).toBe(9);
    expect(cutout(ones(), shape, 3, -5, -5)).toBe(0);
  });
  it('random cutout zeroes what it reports', () => {
    const rng = createRng(1);
    for (let i = 0; i < 20; i++) {
      const img = ones();
      const area = randomCutout(img, shape, 6, rng);
      expect(zeroPixels(img)).toBe(area);
      expect(area).toBeGreaterThan(0);
      expect(area).toBeLessThanOrEqual(36);
    }
  });
});
