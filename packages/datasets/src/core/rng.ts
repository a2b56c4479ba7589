import seedrandom from 'seedrandom';
import { DatasetError } from './dataset-error.ts';

/**
 * A seeded pseudo-random generator (seedrandom's alea): the same seed gives the same stream everywhere. The same
 * interface, generator and semantics as the `Rng` of `@edl/attacks` (which adds tensor draws); a stream from either
 * package's `createRng(seed)` is the same numbers.
 */
export interface Rng {
  /** The seed the generator was created with. */
  readonly seed: number | string;
  /** Uniform float in [lo, hi) (default [0, 1)). */
  uniform(lo?: number, hi?: number): number;
  /** Normal draw (Box-Muller) with the given mean and standard deviation (default 0, 1). */
  normal(mean?: number, std?: number): number;
  /** Integer uniform in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number;
  /** A fresh 31-bit integer seed derived from this stream (for child generators). */
  seedInt(): number;
  /** A child generator with an independent stream derived from this one. */
  child(): Rng;
}

/**
 * Creates a seeded {@link Rng}; the same seed always gives the same sequence.
 *
 * @param seed - any finite number or string (default 0).
 * @returns the generator.
 * @example
 * const rng = createRng(42); rng.int(0, 10); // same value on every run
 */
export function createRng(seed: number | string = 0): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new DatasetError('invalid-option', 'seed', `seed must be a finite number or a string, got ${seed}`);
  }
  const next = seedrandom.alea(String(seed));
  let spare: number | undefined;
  const normal01 = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return {
    seed,
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    normal: (mean = 0, std = 1) => mean + std * normal01(),
    int: (lo, hi) => {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) {
        throw new DatasetError('invalid-option', 'hi', `int: expected integers lo < hi, got ${lo}, ${hi}`);
      }
      return lo + Math.floor((hi - lo) * next());
    },
    seedInt: () => Math.floor(next() * 2147483647),
    child: () => createRng(`${String(seed)}/${Math.floor(next() * 2147483647)}`),
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
    const j = rng.int(0, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
