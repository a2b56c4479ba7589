import { DatasetError } from '../core/dataset-error.ts';
import type { Rng } from '../core/rng.ts';

function normal(rng: Rng): number {
  let u = rng.uniform();
  while (u === 0) u = rng.uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the U^(1/a) boost for shape < 1. */
function sampleGamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let xv: number;
    let v: number;
    do {
      xv = normal(rng);
      v = 1 + c * xv;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * xv ** 4) return d * v;
    if (Math.log(u) < 0.5 * xv * xv + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A sample of Beta(a, b) as G_a / (G_a + G_b) with independent Gamma variates.
 *
 * @param a - first shape (> 0).
 * @param b - second shape (> 0).
 * @param rng - seeded random source.
 * @returns a value in [0, 1].
 */
export function sampleBeta(a: number, b: number, rng: Rng): number {
  if (!(a > 0) || !(b > 0))
    throw new DatasetError('invalid-option', 'a', `sampleBeta: a and b must be > 0, got ${a}, ${b}`);
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x + y === 0 ? 0.5 : x / (x + y);
}
