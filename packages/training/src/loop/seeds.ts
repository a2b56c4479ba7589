import { createRng, shuffleInPlace } from '@edl/datasets';

/**
 * Derives a 31-bit seed from a base seed and any integers (splitmix32-style hashing). Training uses
 * `deriveSeed(seed, epoch, step, purpose)` so every random draw is a pure function of where training is: resuming
 * needs no RNG state beyond the base seed.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed | 0) ^ 0x9e3779b9;
  for (const p of [...parts, parts.length]) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 1) % 2147483647;
}

/** A seeded Fisher-Yates permutation of 0..n-1 (the `createRng` stream of `@edl/datasets`). */
export function seededPermutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, createRng(seed));
}
