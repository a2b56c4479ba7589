import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from './rng.ts';

describe('createRng / shuffleInPlace', () => {
  it('repeats a sequence for the same seed and differs for another', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(sa);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });
  it('int(0, n) covers [0, n) roughly uniformly', () => {
    const r = createRng('u');
    const h = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) h[r.int(0, 5)]++;
    for (const v of h) expect(Math.abs(v - 1000)).toBeLessThan(150);
  });
  it('shuffle is a permutation', () => {
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(a, createRng(1));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
  it('draws the same stream as the Rng of @edl/attacks (values computed with attacks/src/core/rng.ts)', () => {
    const r = createRng(7);
    const got = [r.uniform(), r.normal(), r.int(3, 17), r.uniform(2, 5), r.seedInt(), r.child().uniform()];
    const want = [0.36459518410265446, 1.1888622579015486, 10, 2.4968457377981395, 257694075, 0.10501259635202587];
    for (const [i, w] of want.entries()) expect(got[i]).toBeCloseTo(w, 12);
    const s = createRng('abc');
    const got2 = [s.uniform(), s.normal(), s.normal(), s.int(0, 1000)];
    const want2 = [0.4795641906093806, 0.8271412725832509, -1.2488258527375278, 164];
    for (const [i, w] of want2.entries()) expect(got2[i]).toBeCloseTo(w, 12);
  });
  it('names the option on bad arguments', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number or a string/);
    expect(() => createRng(1).int(3, 3)).toThrow(/int: expected integers lo < hi/);
  });
});
