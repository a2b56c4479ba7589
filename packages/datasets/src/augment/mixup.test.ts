import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { mixupBatch } from './mixup.ts';
import { sampleBeta } from './sample-beta.ts';

describe('mixupBatch', () => {
  it('mixes images and labels with the same lambda; soft labels sum to 1', () => {
    const n = 6;
    const per = 4;
    const x = Float32Array.from({ length: n * per }, (_, i) => (i % 9) / 8);
    const orig = x.slice();
    const labels = Int32Array.of(0, 1, 2, 0, 1, 2);
    const { soft, lambda, permutation } = mixupBatch(x, labels, 3, 1, createRng(5));
    expect(soft.length).toBe(n * 3);
    expect(lambda).toBeGreaterThanOrEqual(0);
    expect(lambda).toBeLessThanOrEqual(1);
    expect([...permutation].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 0; i < n; i++) {
      const row = soft.subarray(i * 3, i * 3 + 3);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      const j = permutation[i]!;
      expect(row[labels[i]!]).toBeGreaterThanOrEqual(Math.min(lambda, 1) - 1e-6);
      for (let k = 0; k < per; k++)
        expect(x[i * per + k]).toBeCloseTo(lambda * orig[i * per + k]! + (1 - lambda) * orig[j * per + k]!, 6);
    }
  });
  it('rejects bad arguments', () => {
    expect(() => mixupBatch(new Float32Array(5), Int32Array.of(0, 1), 2, 1, createRng(1))).toThrow(
      /not a multiple of n = 2/,
    );
    expect(() => mixupBatch(new Float32Array(4), Int32Array.of(0, 1), 2, 0, createRng(1))).toThrow(
      /alpha must be a finite number > 0/,
    );
  });
});

describe('sampleBeta', () => {
  it('matches the closed-form mean and variance', () => {
    for (const [a, b] of [
      [2, 2],
      [0.5, 0.5],
      [1, 3],
    ] as const) {
      const rng = createRng(`beta-${a}-${b}`);
      const n = 50_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = sampleBeta(a, b, rng);
        s += v;
        s2 += v * v;
      }
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      const trueVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
      // within 4 standard errors of the closed forms (values lie in [0, 1], so Var(v^2) <= E[v^2] <= 1)
      expect(Math.abs(mean - a / (a + b))).toBeLessThan(4 * Math.sqrt(trueVar / n));
      expect(Math.abs(variance - trueVar)).toBeLessThan(4 * Math.sqrt(1 / n) * 0.5);
    }
  });
});
