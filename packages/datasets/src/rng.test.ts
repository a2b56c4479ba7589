import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from './rng.ts';

describe('createRng / shuffleInPlace', () => {
  it('repeats a sequence for the same seed and differs for another', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });
  it('int(n) covers [0, n) roughly uniformly', () => {
    const r = createRng('u');
    const h = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) h[r.int(5)]++;
    for (const v of h) expect(Math.abs(v - 1000)).toBeLessThan(150);
  });
  it('shuffle is a permutation', () => {
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(a, createRng(1));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
