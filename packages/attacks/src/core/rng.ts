import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { AttackError, checkSeed, invalidOption } from './errors.ts';

/** A seeded pseudo-random generator (seedrandom's alea); identical seeds give identical streams on every backend. */
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
  /** A float32 tensor of uniform draws in [lo, hi), drawn from this JS stream (backend-independent). */
  uniformTensor<T extends tf.Tensor = tf.Tensor>(shape: readonly number[], lo?: number, hi?: number): T;
  /** A float32 tensor of normal draws, drawn from this JS stream (backend-independent). */
  normalTensor<T extends tf.Tensor = tf.Tensor>(shape: readonly number[], mean?: number, std?: number): T;
  /** A child generator with an independent stream derived from this one. */
  child(): Rng;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) invalidOption('shape', 'integers >= 0', `[${shape}]`);
    n *= d;
  }
  return n;
}

/**
 * Creates a seeded {@link Rng}. The same seed always yields the same numbers and tensors.
 * @param seed any finite number or string (otherwise an {@link AttackError} naming `seed`).
 */
export function createRng(seed: number | string = 0): Rng {
  checkSeed('seed', seed);
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
  const rng: Rng = {
    seed,
    uniform: (lo = 0, hi = 1) => lo + (hi - lo) * next(),
    normal: (mean = 0, std = 1) => mean + std * normal01(),
    int: (lo, hi) => {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) {
        throw new AttackError('invalid-option', 'hi', `int: expected integers lo < hi, got ${lo}, ${hi}`);
      }
      return lo + Math.floor((hi - lo) * next());
    },
    seedInt: () => Math.floor(next() * 2147483647),
    uniformTensor: <T extends tf.Tensor = tf.Tensor>(shape: readonly number[], lo = 0, hi = 1): T => {
      const n = sizeOf(shape);
      const data = new Float32Array(n);
      const w = hi - lo;
      for (let i = 0; i < n; i++) data[i] = lo + w * next();
      return tf.tensor(data, [...shape], 'float32') as T;
    },
    normalTensor: <T extends tf.Tensor = tf.Tensor>(shape: readonly number[], mean = 0, std = 1): T => {
      const n = sizeOf(shape);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = mean + std * normal01();
      return tf.tensor(data, [...shape], 'float32') as T;
    },
    child: () => createRng(`${String(seed)}/${Math.floor(next() * 2147483647)}`),
  };
  return rng;
}
