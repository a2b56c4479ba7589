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

/** A small seeded PRNG (mulberry32) returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
