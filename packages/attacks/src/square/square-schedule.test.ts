import { describe, expect, it } from 'vitest';
import { squarePattern, squareRectangles } from './square-l2-pattern.ts';
import { squarePSelection, squareSide } from './square-schedule.ts';

describe('square p schedule (AutoAttack p_selection, resc_schedule off)', () => {
  it('halves p after iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000', () => {
    const at = (it: number) => squarePSelection(it, 0.8);
    expect(
      [0, 10, 11, 50, 51, 200, 201, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 6000, 6001, 8000, 8001].map(at),
    ).toEqual([
      0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125,
      0.003125, 0.0015625,
    ]);
    expect(at(99999)).toBeCloseTo(0.8 / 512, 12);
  });
  it('rescales the iteration to a 10000-query budget when asked', () => {
    // it 100 of 1000 -> 1000 of 10000 -> p / 16
    expect(squarePSelection(100, 0.8, 1000)).toBeCloseTo(0.05, 12);
  });
  it('window side: round(sqrt(p h w)), at least the minimum, at most min(h, w)', () => {
    expect(squareSide(0.8, 32, 32)).toBe(29); // sqrt(819.2) = 28.6
    expect(squareSide(0.05, 32, 32)).toBe(7); // sqrt(51.2) = 7.16
    expect(squareSide(1e-6, 32, 32)).toBe(1);
    expect(squareSide(1e-6, 32, 32, 3)).toBe(3);
    expect(squareSide(0.8, 4, 40)).toBe(4); // sqrt(128) = 11.3 capped by the height
  });
  it('l2 pattern: unit norm, positive top half, negative bottom half, transposable', () => {
    const r = squareRectangles(1, 3);
    // rings: k = 0 covers the centre (1), k = 1 the whole row (+1/4): [0.25, 1.25, 0.25] normalised
    const n = Math.hypot(0.25, 1.25, 0.25);
    expect(Array.from(r).map((v) => v * n)).toEqual([0.25, 1.25, 0.25].map((v) => expect.closeTo(v, 12)));
    const p = squarePattern(5, false);
    expect(Math.hypot(...p)).toBeCloseTo(1, 12);
    expect(Array.from(p.slice(0, 10)).every((v) => v > 0)).toBe(true);
    expect(Array.from(p.slice(10)).every((v) => v < 0)).toBe(true);
    const t = squarePattern(5, true);
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(t[b * 5 + a]).toBe(p[a * 5 + b]);
  });
});
