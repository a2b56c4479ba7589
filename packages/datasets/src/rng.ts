import seedrandom from 'seedrandom';

/** A seeded source of uniform random numbers (seedrandom's ARC4 generator). */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * Creates a seeded random number generator; the same seed always gives the same sequence.
 *
 * @param seed - any integer or string.
 * @returns the generator.
 * @example
 * const rng = createRng(42); rng.int(10); // same value on every run
 */
export function createRng(seed: number | string): Rng {
  const prng = seedrandom(String(seed));
  return {
    next: () => prng(),
    int: (n: number) => Math.floor(prng() * n),
  };
}

/**
 * Fisher-Yates shuffle in place.
 *
 * @param a - array to permute.
 * @param rng - random source.
 * @returns `a`, permuted.
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T;
export function shuffleInPlace<U>(a: U[], rng: Rng): U[];
export function shuffleInPlace(a: { length: number; [i: number]: unknown }, rng: Rng): unknown {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
