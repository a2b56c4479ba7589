import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { perSampleNorm, projectL2, projectLinf } from './projections.ts';
import { createRng } from './rng.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('projections', () => {
  const rng = createRng(5);
  const x = tf.clipByValue(rng.uniformTensor<tf.Tensor4D>([3, 2, 2, 2]), 0, 1);
  const xAdv = tf.add(x, rng.normalTensor<tf.Tensor4D>([3, 2, 2, 2], 0, 0.5)) as tf.Tensor4D;
  const xs = x.arraySync().map((s) => s.flat(2));
  const as = xAdv.arraySync().map((s) => s.flat(2));

  it('perSampleNorm matches plain JS', () => {
    const d = tf.sub(xAdv, x);
    const ds = as.map((a, i) => a.map((v, j) => v - (xs[i]?.[j] ?? 0)));
    const linf = perSampleNorm(d, 'linf').dataSync();
    const l2 = perSampleNorm(d, 'l2').dataSync();
    const l1 = perSampleNorm(d, 'l1').dataSync();
    ds.forEach((v, i) => {
      expect(linf[i]).toBeCloseTo(Math.max(...v.map(Math.abs)), 5);
      expect(l2[i]).toBeCloseTo(Math.sqrt(v.reduce((s, t) => s + t * t, 0)), 5);
      expect(l1[i]).toBeCloseTo(
        v.reduce((s, t) => s + Math.abs(t), 0),
        5,
      );
    });
  });

  it('projectLinf equals clip(x + clip(delta, -eps, eps), 0, 1)', () => {
    const eps = 0.1;
    const p = projectLinf(xAdv, x, eps)
      .arraySync()
      .map((s) => s.flat(2));
    p.forEach((row, i) => {
      row.forEach((v, j) => {
        const xi = xs[i]?.[j] ?? 0;
        const d = Math.min(Math.max((as[i]?.[j] ?? 0) - xi, -eps), eps);
        expect(v).toBeCloseTo(Math.min(Math.max(xi + d, 0), 1), 6);
      });
    });
  });

  it('projectL2 rescales onto the ball, then clips; inside points are unchanged', () => {
    const eps = 0.3;
    const p = projectL2(xAdv, x, eps);
    const norms = perSampleNorm(tf.sub(p, x), 'l2').dataSync();
    for (const n of norms) expect(n).toBeLessThanOrEqual(eps + 1e-6);
    const rows = p.arraySync().map((s) => s.flat(2));
    rows.forEach((row, i) => {
      const d = (as[i] ?? []).map((v, j) => v - (xs[i]?.[j] ?? 0));
      const n = Math.sqrt(d.reduce((s, t) => s + t * t, 0));
      const f = Math.min(1, eps / n);
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(Math.min(Math.max((xs[i]?.[j] ?? 0) + f * (d[j] ?? 0), 0), 1), 5);
      });
    });
    const inside = tf.add(x, tf.mul(tf.sub(tf.clipByValue(xAdv, 0, 1), x), 1e-3)) as tf.Tensor4D;
    expect(tf.max(tf.abs(tf.sub(projectL2(inside, x, eps), inside))).dataSync()[0]).toBeLessThan(1e-7);
  });

  it('accepts a per-sample eps', () => {
    const eps = tf.tensor1d([0, 0.05, 0.2]);
    const linf = perSampleNorm(tf.sub(projectLinf(xAdv, x, eps), x), 'linf').dataSync();
    expect(linf[0]).toBe(0);
    expect(linf[1]).toBeLessThanOrEqual(0.05 + 1e-7);
    expect(linf[2]).toBeLessThanOrEqual(0.2 + 1e-7);
  });
});
