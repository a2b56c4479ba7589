import { describe, expect, it } from 'vitest';
import { asShape4, convOutputSize, resolvePadding } from './padding.ts';

describe('resolvePadding', () => {
  it("'symmetric' pads (k - 1) / 2 on every side, like PyTorch padding=k//2 for odd k", () => {
    expect(resolvePadding('symmetric', [3, 3])).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    expect(resolvePadding('symmetric', [5, 1])).toEqual([
      [0, 0],
      [2, 2],
      [0, 0],
      [0, 0],
    ]);
  });
  it("passes 'same' and 'valid' through and expands a number", () => {
    expect(resolvePadding('same', [3, 3])).toBe('same');
    expect(resolvePadding('valid', [3, 3])).toBe('valid');
    expect(resolvePadding(2, [3, 3])).toEqual([
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ]);
  });
  it('accepts explicit padding and rejects malformed values with a clear message', () => {
    const p: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ];
    expect(resolvePadding(p, [3, 3])).toBe(p);
    expect(() => resolvePadding(-1, [3, 3])).toThrow(/padding must be an integer >= 0/);
    expect(() => resolvePadding(1.5, [3, 3])).toThrow(/padding/);
    expect(() => resolvePadding([[0, 0]] as never, [3, 3])).toThrow(/padding: expected/);
    expect(() =>
      resolvePadding(
        [
          [1, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        [3, 3],
      ),
    ).toThrow(/batch and channel padding must be \[0, 0\]/);
    expect(() => resolvePadding('full' as never, [3, 3])).toThrow(/padding/);
  });
});

describe('convOutputSize', () => {
  it('matches the closed forms of tfjs same / valid and explicit padding', () => {
    expect(convOutputSize(32, 3, 1, 'same', 1)).toBe(32);
    expect(convOutputSize(7, 3, 2, 'same', 1)).toBe(4);
    expect(convOutputSize(7, 3, 2, 'valid', 1)).toBe(3);
    expect(convOutputSize(8, 3, 2, resolvePadding('symmetric', [3, 3]), 1)).toBe(4);
    const p = resolvePadding(
      [
        [0, 0],
        [2, 0],
        [1, 3],
        [0, 0],
      ],
      [3, 3],
    );
    expect(convOutputSize(7, 3, 1, p, 1)).toBe(7);
    expect(convOutputSize(7, 3, 1, p, 2)).toBe(9);
  });
});

describe('asShape4', () => {
  it('returns a 4-tuple and names the argument when the rank is wrong', () => {
    expect(asShape4([1, 2, 3, 4], 'x')).toEqual([1, 2, 3, 4]);
    expect(() => asShape4([2, 3], 'inputShape')).toThrow(/inputShape: expected a rank-4 NHWC shape, got \[2, 3\]/);
  });
});
