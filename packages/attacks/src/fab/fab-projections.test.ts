import { describe, expect, it } from 'vitest';
import { lcg } from '../testing/test-helpers.ts';
import { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab-projections.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * (b[i] ?? 0), 0);
const l2 = (v: ArrayLike<number>) => Math.sqrt(dot(v, v));
const linf = (v: ArrayLike<number>) => Math.max(...Array.from(v, Math.abs));

/**
 * Brute force for the l2 problem on small d: at the optimum every coordinate is at its lower bound, its upper bound
 * or free; for each of the 3^d patterns the free part is the minimal-norm solution of one linear equation.
 */
function bruteL2(t: number[], w: number[], b: number): number[] | undefined {
  const d = t.length;
  let best: number[] | undefined;
  let bestNorm = Number.POSITIVE_INFINITY;
  for (let code = 0; code < 3 ** d; code++) {
    const pattern = Array.from({ length: d }, (_, i) => Math.floor(code / 3 ** i) % 3);
    const delta = new Array<number>(d).fill(0);
    let rhs = b - dot(w, t);
    let free2 = 0;
    pattern.forEach((p, i) => {
      if (p === 0) delta[i] = -(t[i] ?? 0);
      if (p === 1) delta[i] = 1 - (t[i] ?? 0);
      if (p === 2) free2 += (w[i] ?? 0) ** 2;
      else rhs -= (w[i] ?? 0) * (delta[i] ?? 0);
    });
    if (free2 === 0) {
      if (Math.abs(rhs) > 1e-9) continue;
    } else {
      pattern.forEach((p, i) => {
        if (p === 2) delta[i] = (rhs * (w[i] ?? 0)) / free2;
      });
    }
    const ok = delta.every((v, i) => (t[i] ?? 0) + v >= -1e-9 && (t[i] ?? 0) + v <= 1 + 1e-9);
    const nrm = l2(delta);
    if (ok && nrm < bestNorm) {
      bestNorm = nrm;
      best = delta;
    }
  }
  return best;
}

function randomCase(rand: () => number, d: number): { t: number[]; w: number[]; b: number } {
  const t = Array.from({ length: d }, () => rand());
  const w = Array.from({ length: d }, () => 2 * rand() - 1);
  // a target point inside the box makes the problem feasible
  const u = Array.from({ length: d }, () => rand());
  return { t, w, b: dot(w, u) };
}

describe('projectHyperplaneBoxL2', () => {
  it('equals the closed form -c w / ||w||^2 when the box is inactive', () => {
    const t = [0.5, 0.5, 0.5];
    const w = [1, -2, 0.5];
    const b = dot(w, t) + 0.1;
    const d = projectHyperplaneBoxL2(t, w, b);
    const c = dot(w, t) - b;
    const w2 = dot(w, w);
    w.forEach((wi, i) => {
      expect(d[i]).toBeCloseTo((-c * wi) / w2, 12);
    });
  });

  it('matches the brute-force optimum on random small cases', () => {
    const rand = lcg(42);
    for (let trial = 0; trial < 200; trial++) {
      const d = 1 + (trial % 5);
      const { t, w, b } = randomCase(rand, d);
      const got = projectHyperplaneBoxL2(t, w, b);
      const ref = bruteL2(t, w, b);
      expect(ref).toBeDefined();
      expect(
        dot(
          w,
          t.map((v, i) => v + (got[i] ?? 0)),
        ),
      ).toBeCloseTo(b, 9);
      got.forEach((v, i) => {
        expect((t[i] ?? 0) + v).toBeGreaterThanOrEqual(-1e-12);
        expect((t[i] ?? 0) + v).toBeLessThanOrEqual(1 + 1e-12);
      });
      expect(l2(got)).toBeCloseTo(l2(ref ?? []), 9);
    }
  });

  it('returns the closest box corner when the hyperplane is out of reach, and zero on the plane', () => {
    const t = [0.5, 0.5];
    const w = [1, 1];
    const d = projectHyperplaneBoxL2(t, w, 5); // max w.u over the box is 2
    expect(Array.from(d)).toEqual([0.5, 0.5]);
    expect(Array.from(projectHyperplaneBoxL2(t, w, 1))).toEqual([0, 0]);
    expect(() => projectHyperplaneBoxL2([0], [1, 2], 0)).toThrow(/w has 2/);
  });
});

describe('projectHyperplaneBoxLinf', () => {
  it('is feasible and no sampled feasible point is closer (LP-free optimality check)', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 100; trial++) {
      const d = 2 + (trial % 6);
      const { t, w, b } = randomCase(rand, d);
      const got = projectHyperplaneBoxLinf(t, w, b);
      const p = t.map((v, i) => v + (got[i] ?? 0));
      expect(dot(w, p)).toBeCloseTo(b, 9);
      p.forEach((v) => {
        expect(v).toBeGreaterThanOrEqual(-1e-12);
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
      });
      const r = linf(got);
      // Sample feasible points: the hyperplane crossings of segments from t to random box points.
      for (let k = 0; k < 300; k++) {
        const u = Array.from({ length: d }, () => rand());
        const denom = dot(w, u) - dot(w, t);
        if (Math.abs(denom) < 1e-12) continue;
        const s = (b - dot(w, t)) / denom;
        if (s < 0 || s > 1) continue;
        const q = t.map((v, i) => s * ((u[i] ?? 0) - v));
        expect(linf(q)).toBeGreaterThanOrEqual(r - 1e-9);
      }
      // And one certificate: shrinking the solution by 1e-6 leaves the plane out of reach within the box.
      const tau = r * (1 - 1e-6);
      const c = dot(w, t) - b;
      let reach = 0;
      w.forEach((wi, i) => {
        const room = Math.sign(c) * wi > 0 ? (t[i] ?? 0) : 1 - (t[i] ?? 0);
        reach += Math.abs(wi) * Math.min(tau, room);
      });
      expect(reach).toBeLessThan(Math.abs(c) + 1e-12);
    }
  });

  it('moves every coordinate by the same amount when the box is inactive: |c| / ||w||_1', () => {
    const t = [0.5, 0.5, 0.5];
    const w = [1, -2, 0.5];
    const b = dot(w, t) - 0.35; // c = 0.35, ||w||_1 = 3.5 -> tau = 0.1
    const d = projectHyperplaneBoxLinf(t, w, b);
    expect(Array.from(d).map((v) => Number(v.toFixed(12)))).toEqual([-0.1, 0.1, -0.1]);
  });

  it('falls back to the unconstrained projection when the box cannot reach the plane', () => {
    const d = projectHyperplaneBoxLinf([0.5, 0.5], [1, 1], 5);
    // c = -4, ||w||_1 = 2 -> +2 on each coordinate (the caller clips).
    expect(Array.from(d)).toEqual([2, 2]);
  });
});

/**
 * Brute force for the l1 problem on small d: an optimal vertex moves every coordinate either not at all or to a box
 * face, except at most one free coordinate that lands exactly on the plane.
 */
function bruteL1(t: number[], w: number[], b: number): number {
  const d = t.length;
  let best = Number.POSITIVE_INFINITY;
  for (let free = 0; free < d; free++) {
    for (let code = 0; code < 3 ** d; code++) {
      const delta = Array.from({ length: d }, (_, i) => {
        const p = Math.floor(code / 3 ** i) % 3;
        return p === 0 ? 0 : p === 1 ? -(t[i] ?? 0) : 1 - (t[i] ?? 0);
      });
      const wf = w[free] ?? 0;
      if (wf === 0) continue;
      delta[free] = 0;
      delta[free] = (b - dot(w, t) - dot(w, delta)) / wf;
      const v = (t[free] ?? 0) + (delta[free] ?? 0);
      if (v < -1e-12 || v > 1 + 1e-12) continue;
      best = Math.min(
        best,
        delta.reduce((s, x) => s + Math.abs(x), 0),
      );
    }
  }
  return best;
}

describe('projectHyperplaneBoxL1', () => {
  it('matches the brute-force optimum on random small cases and is feasible', () => {
    const rand = lcg(99);
    for (let trial = 0; trial < 150; trial++) {
      const d = 1 + (trial % 4);
      const { t, w, b } = randomCase(rand, d);
      const got = projectHyperplaneBoxL1(t, w, b);
      const p = t.map((v, i) => v + (got[i] ?? 0));
      expect(dot(w, p)).toBeCloseTo(b, 9);
      for (const v of p) {
        expect(v).toBeGreaterThanOrEqual(-1e-12);
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
      }
      const l1 = Array.from(got).reduce((s, v) => s + Math.abs(v), 0);
      expect(l1).toBeCloseTo(bruteL1(t, w, b), 9);
    }
  });
  it('moves only the largest-weight coordinate when it has room, and returns the corner when infeasible', () => {
    // w.t = 0.25 - 1 + 0.5 = -0.25, b = -0.35: c = 0.1, so coordinate 1 (|w| = 2) moves up by 0.1 / 2.
    const d = projectHyperplaneBoxL1([0.5, 0.5, 0.5], [0.5, -2, 1], -0.35);
    expect(d[0]).toBe(0);
    expect(d[2]).toBe(0);
    expect(d[1]).toBeCloseTo(0.05, 12);
    expect(Array.from(projectHyperplaneBoxL1([0.5, 0.5], [1, 1], 5))).toEqual([0.5, 0.5]);
  });
});
