import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { cropWithPadding, randomCrop } from './crop-with-padding.ts';

const shape = { height: 6, width: 7, channels: 3 };
const src = Uint8Array.from({ length: 6 * 7 * 3 }, (_, i) => 1 + (i % 250));

/** Independent reference: explicit padded image, then a slice. */
function reference(padding: number, oy: number, ox: number): number[] {
  const { height: h, width: w, channels: c } = shape;
  const ph = h + 2 * padding;
  const pw = w + 2 * padding;
  const padded = new Array(ph * pw * c).fill(0);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) padded[((y + padding) * pw + x + padding) * c + k] = src[(y * w + x) * c + k];
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out.push(padded[((y + oy) * pw + x + ox) * c + k]);
  return out;
}

describe('cropWithPadding / randomCrop', () => {
  it('is the identity at offset (padding, padding)', () => {
    const dst = new Uint8Array(src.length);
    expect([...cropWithPadding(src, dst, shape, 4, 4, 4)]).toEqual([...src]);
    // zero padding leaves a single possible offset: random crops are the identity
    const rng = createRng(9);
    for (let i = 0; i < 5; i++)
      expect([...randomCrop(src, new Uint8Array(src.length), shape, 0, rng)]).toEqual([...src]);
  });
  it('matches an explicit pad-then-slice at every offset', () => {
    const dst = new Uint8Array(src.length);
    for (let oy = 0; oy <= 4; oy++)
      for (let ox = 0; ox <= 4; ox++)
        expect([...cropWithPadding(src, dst, shape, 2, oy, ox)]).toEqual(reference(2, oy, ox));
  });
  it('keeps the shape and draws offsets in range', () => {
    const rng = createRng(3);
    const dst = new Float32Array(src.length);
    for (let i = 0; i < 20; i++) expect(randomCrop(src, dst, shape, 3, rng).length).toBe(src.length);
    expect(() => cropWithPadding(src, new Uint8Array(src.length), shape, 2, 5, 0)).toThrow(
      /offsetY must be an integer in \[0, 4\]/,
    );
    expect(() => cropWithPadding(src, src, shape, 2, 2, 2)).toThrow(/different array/);
  });
});
