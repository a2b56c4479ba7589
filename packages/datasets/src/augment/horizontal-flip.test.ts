import { describe, expect, it } from 'vitest';
import { horizontalFlip } from './horizontal-flip.ts';

const shape = { height: 3, width: 5, channels: 2 };

describe('horizontalFlip', () => {
  it('mirrors columns and is an involution', () => {
    const img = Uint8Array.from({ length: 30 }, (_, i) => i * 7);
    const orig = img.slice();
    horizontalFlip(img, shape);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 5; x++)
        for (let c = 0; c < 2; c++) expect(img[(y * 5 + x) * 2 + c]).toBe(orig[(y * 5 + 4 - x) * 2 + c]);
    horizontalFlip(img, shape);
    expect([...img]).toEqual([...orig]);
  });
  it('works on float images and checks the size', () => {
    const f = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    horizontalFlip(f, { height: 1, width: 4, channels: 1 });
    expect([...f]).toEqual([...Float32Array.of(0.4, 0.3, 0.2, 0.1)]);
    expect(() => horizontalFlip(new Uint8Array(7), shape)).toThrow(/image has 7 values, expected 3x5x2/);
  });
});
