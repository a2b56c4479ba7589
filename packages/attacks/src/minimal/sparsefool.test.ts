import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromLayersModel } from '../core/model.ts';
import { minimalL1InBox, pairScore } from '../testing/minimal-l1.ts';
import { linearLogits, makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { deepfool } from './deepfool.ts';
import { sparseLinearSolve } from './linear-solver.ts';
import { sparsefool } from './sparsefool.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sparseLinearSolve', () => {
  it('crosses the hyperplane moving the largest-|normal| coordinates first', () => {
    const normal = [0.1, -0.8, 0.5, 0.3];
    const boundary = [0.6, 0.2, 0.7, 0.5];
    const x0 = [0.5, 0.5, 0.5, 0.5];
    const dot = (x: ArrayLike<number>) => normal.reduce((s, n, i) => s + n * ((x[i] ?? 0) - (boundary[i] ?? 0)), 0);
    expect(dot(x0)).toBeLessThan(0);
    const x = sparseLinearSolve(x0, normal, boundary);
    // f0 = -0.35, beta = -0.001: coordinate 1 (|n| = 0.8) moves by -(0.351 / 0.8) and that already crosses.
    expect(dot(x)).toBeCloseTo(0.001, 5);
    expect(x[1]).toBeCloseTo(0.5 - 0.351 / 0.8, 6);
    expect([x[0], x[2], x[3]]).toEqual([0.5, 0.5, 0.5]);
    // A farther plane: coordinate 1 is clipped at the box edge 0, then coordinate 2 (|n| = 0.5) finishes the job.
    const far = [0.6, 0.2, 1.2, 0.5];
    const dotFar = (v: ArrayLike<number>) => normal.reduce((s, n, i) => s + n * ((v[i] ?? 0) - (far[i] ?? 0)), 0);
    const x2 = sparseLinearSolve(x0, normal, far);
    expect(x2[1]).toBe(0);
    expect(x2[2]).toBeGreaterThan(0.5);
    expect(dotFar(x2)).toBeGreaterThan(0);
    expect([x2[0], x2[3]]).toEqual([0.5, 0.5]);
  });
});

describe('sparsefool', () => {
  it('fools a linear model changing few elements, inside the box, deterministically', async () => {
    const lin = makeLinearModel(8 * 8 * 3, 4, 13);
    const x = makeImages([3, 8, 8, 3], 2, 0.1, 0.9);
    const y = tf.tensor1d(Array.from(tf.argMax(lin.model(x), 1).dataSync()), 'int32');
    const attack = sparsefool({ steps: 10 });
    const r = await attack.run(lin.model, x, y);
    expect(r.success).toEqual([true, true, true]);
    for (const n of r.norms) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(0.25 * 8 * 8 * 3);
    }
    expect(tf.min(r.xAdv).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
    const again = await attack.run(lin.model, x, y);
    expect(tf.max(tf.abs(tf.sub(again.xAdv, r.xAdv))).dataSync()[0]).toBe(0);
  });
});

/**
 * Images whose pixels are half at the box edges (0 or 1, like MNIST strokes and background) and half inside: the
 * unconstrained DeepFool direction pushes many saturated pixels out of the box.
 */
function edgeImages(n: number, d: number, seed: number): tf.Tensor4D {
  const base = makeImages([n, d, 1, 1], seed, 0, 1).dataSync();
  const px = Float32Array.from(base, (v, i) => (i % 2 === 0 ? (v < 0.5 ? 0 : 1) : 0.3 + 0.4 * v));
  return tf.tensor4d(px, [n, d, 1, 1]);
}

/** Logit margin `max_{k != l} z_k - z_l` of each sample after a float32 round trip of the pixels. */
function marginsAfterRoundTrip(model: (x: tf.Tensor4D) => tf.Tensor2D, xAdv: tf.Tensor4D, labels: number[]): number[] {
  const back = tf.tensor4d(new Float32Array(Float32Array.from(xAdv.dataSync()).buffer.slice(0)), xAdv.shape);
  const z = model(back).arraySync() as number[][];
  back.dispose();
  return z.map((row, i) => Math.max(...row.filter((_, k) => k !== labels[i])) - (row[labels[i] ?? 0] ?? 0));
}

describe('sparsefool against the exact minimal l1 perturbation of an affine model', () => {
  const D = 64;
  const lin = makeLinearModel(D, 2, 29);
  const x = edgeImages(4, D, 5);
  const rows = (tf.reshape(x, [4, -1]) as tf.Tensor2D).arraySync();
  const preds = rows.map((r) => {
    const z = linearLogits(lin, r);
    return z[1]! > z[0]! ? 1 : 0;
  });
  const y = tf.tensor1d(preds, 'int32');
  const l1 = (a: tf.Tensor4D) => (tf.sum(tf.abs(tf.sub(a, x)), [1, 2, 3]) as tf.Tensor1D).arraySync();

  it('reaches the LP optimum (lambda = 1), up to its beta and overshoot, and the optimum support', async () => {
    const r = await sparsefool({ lambda: 1, steps: 5 }).run(lin.model, x, y);
    expect(r.success).toEqual([true, true, true, true]);
    const got = l1(r.xAdv);
    const supports: number[] = [];
    rows.forEach((row, i) => {
      const l = preds[i] ?? 0;
      const { u, c } = pairScore(lin, l, 1 - l);
      const norm = Math.sqrt(u.reduce((s, v) => s + v * v, 0));
      const exact = minimalL1InBox(u, c, row, 0); // any adversarial point costs at least this
      supports.push(exact.l0);
      // SparseFool's solver aims (1e-4 + 1e-3) ||u|| past the boundary, then scales the perturbation by 1.02.
      const aimed = minimalL1InBox(u, c, row, 1.1e-3 * norm);
      expect(got[i]).toBeGreaterThanOrEqual(exact.l1 * (1 - 1e-5));
      expect(got[i]).toBeLessThanOrEqual(1.02 * aimed.l1 + 1e-4);
      expect(r.norms[i]).toBe(aimed.l0);
    });
    // Non-trivial cases: the optimum needs 8 and 3 coordinates, several of them pushed to the box edge.
    expect(supports.filter((k) => k >= 3).length).toBeGreaterThanOrEqual(2);
  });

  it('with the default lambda = 3 stays within the LP bound of its aimed level, and clipping DeepFool costs more', async () => {
    const r = await sparsefool({ steps: 5 }).run(lin.model, x, y);
    const old = await sparsefool({ steps: 5, deepfoolClip: true }).run(lin.model, x, y);
    expect(r.success).toEqual([true, true, true, true]);
    const got = l1(r.xAdv);
    const gotOld = l1(old.xAdv);
    rows.forEach((row, i) => {
      const l = preds[i] ?? 0;
      const { u, c } = pairScore(lin, l, 1 - l);
      const norm = Math.sqrt(u.reduce((s, v) => s + v * v, 0));
      const z = linearLogits(lin, row);
      const m0 = (z[l] ?? 0) - (z[1 - l] ?? 0);
      // Unclipped DeepFool on an affine model: one step r = (m0 / ||u|| + 1e-4) u / ||u||, boundary point x + 3 r.
      const level = 2 * m0 + 3e-4 * norm + 1e-3 * norm;
      expect(got[i]).toBeGreaterThanOrEqual(minimalL1InBox(u, c, row, 0).l1 * (1 - 1e-5));
      expect(got[i]).toBeLessThanOrEqual(1.02 * minimalL1InBox(u, c, row, level).l1 + 1e-4);
      expect(gotOld[i]).toBeGreaterThanOrEqual((got[i] ?? 0) * (1 - 1e-5));
    });
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    expect(sum(gotOld)).toBeGreaterThan(sum(got)); // the clipped inner DeepFool overshoots the boundary further
  });
});

describe('DeepFool overshoot past the boundary', () => {
  it('clipped DeepFool points stay misclassified by overshoot x the clean margin after a float32 round trip', async () => {
    const D = 64;
    const lin = makeLinearModel(D, 4, 31);
    const x = edgeImages(6, D, 9);
    const preds = Array.from(tf.argMax(lin.model(x), 1).dataSync());
    const y = tf.tensor1d(preds, 'int32');
    const clean = lin.model(x).arraySync() as number[][];
    const m0 = clean.map((row, i) => (row[preds[i] ?? 0] ?? 0) - Math.max(...row.filter((_, k) => k !== preds[i])));
    const r = await deepfool({ overshoot: 0.02 }).run(lin.model, x, y);
    expect(r.success.every(Boolean)).toBe(true);
    marginsAfterRoundTrip(lin.model, r.xAdv, preds).forEach((m, i) => {
      expect(m).toBeGreaterThan(0);
      expect(m).toBeGreaterThanOrEqual(0.02 * (m0[i] ?? 0) * (1 - 1e-4));
    });
  });
});

describe('DeepFool and SparseFool on a small CNN', () => {
  it('fool most points, DeepFool with a small l2 and SparseFool with few changed elements', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const model = fromLayersModel(net);
    const x = makeImages([4, 6, 6, 1], 8, 0.2, 0.8);
    const y = tf.tensor1d(Array.from(tf.argMax(model(x), 1).dataSync()), 'int32');
    const df = await deepfool().run(model, x, y);
    expect(df.success.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    const sf = await sparsefool({ steps: 10 }).run(model, x, y);
    expect(sf.success.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    sf.norms.forEach((n, i) => {
      if (sf.success[i]) expect(n).toBeLessThanOrEqual(9); // a quarter of the 36 elements at most
    });
    // Final points of both are misclassified with a positive margin after a float32 round trip.
    const preds = Array.from(y.dataSync());
    for (const res of [df, sf]) {
      marginsAfterRoundTrip(model, res.xAdv, preds).forEach((m, i) => {
        if (res.success[i]) expect(m).toBeGreaterThan(0);
      });
    }
    // The published (unclipped) inner DeepFool is not less sparse than the clipped one.
    const old = await sparsefool({ steps: 10, deepfoolClip: true }).run(model, x, y);
    const total = (r: typeof sf) => r.norms.reduce((a, n, i) => a + (r.success[i] ? n : 36), 0);
    expect(total(sf)).toBeLessThanOrEqual(total(old));
  });
});
