import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lcg } from '../testing/test-helpers.ts';
import { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab-projections.ts';
import { projectHyperplaneBoxBatched } from './fab-projections-batched.ts';
import type { FabNorm } from './fab-step-parts.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
const normOf = (v: ArrayLike<number>, norm: FabNorm) => {
  const a = Array.from(v, Math.abs);
  if (norm === 'linf') return Math.max(0, ...a);
  if (norm === 'l1') return a.reduce((s, x) => s + x, 0);
  return Math.sqrt(a.reduce((s, x) => s + x * x, 0));
};

/**
 * Independent truth on tiny d: an optimal point of each of these convex problems is found among the candidates that
 * put every coordinate at a box face, at zero move, or free, where the free coordinates solve the plane equation
 * with minimal norm (l2: proportional to w; l-inf: a common magnitude; l1: a single free coordinate). Enumerates
 * all 4^d patterns and keeps the feasible candidate of least norm.
 */
function bruteForce(t: number[], w: number[], b: number, norm: FabNorm): number | undefined {
  const d = t.length;
  let best: number | undefined;
  for (let code = 0; code < 4 ** d; code++) {
    const pattern = Array.from({ length: d }, (_, i) => Math.floor(code / 4 ** i) % 4);
    const delta = new Array<number>(d).fill(0);
    let rhs = b - dot(w, t);
    const free: number[] = [];
    pattern.forEach((p, i) => {
      if (p === 0) delta[i] = -(t[i] ?? 0);
      if (p === 1) delta[i] = 1 - (t[i] ?? 0);
      if (p === 3) free.push(i);
      else rhs -= (w[i] ?? 0) * (delta[i] ?? 0);
    });
    if (norm === 'l1' && free.length > 1) continue;
    if (free.length === 0) {
      if (Math.abs(rhs) > 1e-9) continue;
    } else if (norm === 'l2') {
      const w2 = free.reduce((s, i) => s + (w[i] ?? 0) ** 2, 0);
      if (w2 === 0) continue;
      for (const i of free) delta[i] = (rhs * (w[i] ?? 0)) / w2;
    } else {
      // l-inf: free coordinates move by the same magnitude s * sign(w_i) (l1: the single one)
      const w1 = free.reduce((s, i) => s + Math.abs(w[i] ?? 0), 0);
      if (w1 === 0) continue;
      for (const i of free) delta[i] = (rhs / w1) * Math.sign(w[i] ?? 0);
    }
    const ok = delta.every((v, i) => (t[i] ?? 0) + v >= -1e-9 && (t[i] ?? 0) + v <= 1 + 1e-9);
    if (!ok) continue;
    const n = normOf(delta, norm);
    if (best === undefined || n < best) best = n;
  }
  return best;
}

const SCALAR = { linf: projectHyperplaneBoxLinf, l2: projectHyperplaneBoxL2, l1: projectHyperplaneBoxL1 } as const;

function randomRows(rand: () => number, rows: number, d: number, zeroShare = 0) {
  const t: number[][] = [];
  const w: number[][] = [];
  const b: number[] = [];
  for (let r = 0; r < rows; r++) {
    const tr = Array.from({ length: d }, () => rand());
    const wr = Array.from({ length: d }, () => (rand() < zeroShare ? 0 : 2 * rand() - 1));
    // most planes pass through the box (feasible), every fifth lies beyond its reach (the fallbacks)
    const u = Array.from({ length: d }, () => rand());
    const reach = wr.reduce((s, v) => s + Math.abs(v), 0);
    b.push(r % 5 === 4 ? dot(wr, tr) + (rand() < 0.5 ? -1 : 1) * (reach + 0.5) : dot(wr, u));
    t.push(tr);
    w.push(wr);
  }
  return { t, w, b };
}

function batched(t: number[][], w: number[][], b: number[], norm: FabNorm): number[][] {
  const out = tf.tidy(() => projectHyperplaneBoxBatched(tf.tensor2d(t), tf.tensor2d(w), tf.tensor1d(b), norm));
  const rows = (out.arraySync() as number[][]).map((row) => row.map((v) => v + 0)); // -0 -> 0
  out.dispose();
  return rows;
}

describe('projectHyperplaneBoxBatched', () => {
  for (const norm of ['linf', 'l2', 'l1'] as const) {
    it(`${norm}: the batched float32 projection, the float64 per-point one and a brute-force optimum agree on tiny problems`, () => {
      const rand = lcg(norm.length * 31 + 5);
      for (let d = 1; d <= 5; d++) {
        const { t, w, b } = randomRows(rand, 40, d);
        const got = batched(t, w, b, norm);
        got.forEach((delta, r) => {
          const ref = SCALAR[norm](t[r] ?? [], w[r] ?? [], b[r] ?? 0);
          delta.forEach((v, i) => {
            expect(v).toBeCloseTo(ref[i] ?? 0, 4);
          });
          if (r % 5 === 4) return; // infeasible: the fallbacks are compared with the per-point version above
          const truth = bruteForce(t[r] ?? [], w[r] ?? [], b[r] ?? 0, norm);
          expect(truth).toBeDefined();
          const p = (t[r] ?? []).map((v, i) => v + (delta[i] ?? 0));
          expect(dot(w[r] ?? [], p)).toBeCloseTo(b[r] ?? 0, 4);
          for (const v of p) {
            expect(v).toBeGreaterThanOrEqual(-1e-6);
            expect(v).toBeLessThanOrEqual(1 + 1e-6);
          }
          expect(normOf(delta, norm)).toBeCloseTo(truth ?? Number.NaN, 4);
        });
      }
    });

    it(`${norm}: matches the float64 per-point projection on image-sized rows with zero weights and ties`, () => {
      const rand = lcg(norm.length * 7 + 1);
      const { t, w, b } = randomRows(rand, 10, 784, 0.1);
      // ties in |w| (l1 shares the last step between them) and coordinates on the box faces
      for (const row of w) for (let i = 0; i < 40; i++) row[i * 3] = row[0] ?? 0;
      for (const row of t) for (let i = 0; i < 20; i++) row[i * 5] = i % 2;
      const got = batched(t, w, b, norm);
      got.forEach((delta, r) => {
        const ref = SCALAR[norm](t[r] ?? [], w[r] ?? [], b[r] ?? 0);
        const scale = Math.max(normOf(ref, norm), 1e-3);
        expect(Math.abs(normOf(delta, norm) - normOf(ref, norm)) / scale).toBeLessThan(1e-4);
        if (norm !== 'l1') {
          // l2 and l-inf optima are unique: the steps agree coordinate-wise
          delta.forEach((v, i) => {
            expect(Math.abs(v - (ref[i] ?? 0))).toBeLessThan(1e-4 * scale + 1e-6);
          });
        }
        if (r % 5 !== 4) {
          const p = (t[r] ?? []).map((v, i) => v + (delta[i] ?? 0));
          expect(Math.abs(dot(w[r] ?? [], p) - (b[r] ?? 0))).toBeLessThan(1e-3);
        }
      });
    });
  }

  it('returns zero on the plane, rejects mismatched shapes and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(batched([[0.5, 0.5]], [[1, 1]], [1], 'linf')).toEqual([[0, 0]]);
    expect(batched([[0.5, 0.5]], [[1, 1]], [1], 'l2')).toEqual([[0, 0]]);
    expect(batched([[0.5, 0.5]], [[1, 1]], [1], 'l1')).toEqual([[0, 0]]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() =>
      tf.tidy(() => projectHyperplaneBoxBatched(tf.zeros([2, 3]), tf.zeros([2, 4]), tf.zeros([2]), 'l2')),
    ).toThrow(/t \[2,3\] and w \[2,4\]/);
    expect(() =>
      tf.tidy(() => projectHyperplaneBoxBatched(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([3]), 'l2')),
    ).toThrow(/b \[3\] must be \[rows\]/);
  });
});
