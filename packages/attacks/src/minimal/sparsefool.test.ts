import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromLayersModel } from '../core/model.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
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
  });
});
