import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearLogits, makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { projectHyperplaneBoxL1 } from './fab-projections.ts';
import { fabTargeted } from './fab-targeted.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: [number, number, number, number] = [4, 3, 3, 2];
const DIM = 18;

describe('fabTargeted on a linear model', () => {
  const lin = makeLinearModel(DIM, 2, 21);
  const x = makeImages(SHAPE, 5, 0.35, 0.65);
  const rows = (tf.reshape(x, [4, -1]) as tf.Tensor2D).arraySync();
  const yArr = rows.map((r) => {
    const z = linearLogits(lin, r);
    return (z[0] ?? 0) >= (z[1] ?? 0) ? 0 : 1;
  });
  const y = tf.tensor1d(yArr, 'int32');

  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: finds a boundary point at (near) the minimal distance m / ||w||_dual`, async () => {
      const minimal = rows.map((r, i) => {
        const yi = yArr[i] ?? 0;
        const z = linearLogits(lin, r);
        const w = Array.from(
          { length: DIM },
          (_, k) => (lin.weights[k * 2 + yi] ?? 0) - (lin.weights[k * 2 + 1 - yi] ?? 0),
        );
        const dual = norm === 'linf' ? w.reduce((s, v) => s + Math.abs(v), 0) : Math.hypot(...w);
        return ((z[yi] ?? 0) - (z[1 - yi] ?? 0)) / dual;
      });
      // The test assumes the box is inactive at the minimal point.
      expect(Math.max(...minimal)).toBeLessThan(norm === 'linf' ? 0.3 : 0.3);
      const res = await fabTargeted({ eps: 10, norm, steps: 20 }).run(lin.model, x, y);
      expect(res.success).toEqual([true, true, true, true]);
      res.norms.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual((minimal[i] ?? 0) * (1 - 1e-4));
        expect(v).toBeLessThanOrEqual((minimal[i] ?? 0) * 1.02);
      });
      // With eps below the minimal distance nothing may count as fooled, and the images come back clean.
      const tight = await fabTargeted({ eps: Math.min(...minimal) * 0.9, norm, steps: 20 }).run(lin.model, x, y);
      expect(tight.success).toEqual([false, false, false, false]);
      expect(tight.norms).toEqual([0, 0, 0, 0]);
      tf.dispose([res.xAdv, tight.xAdv]);
    });
  }

  it('l1: reaches the exact l1 distance to the (linear) boundary within the box', async () => {
    const minimal = rows.map((r, i) => {
      const yi = yArr[i] ?? 0;
      const w = Array.from(
        { length: DIM },
        (_, k) => (lin.weights[k * 2 + 1 - yi] ?? 0) - (lin.weights[k * 2 + yi] ?? 0),
      );
      const b = (lin.bias[yi] ?? 0) - (lin.bias[1 - yi] ?? 0);
      // boundary: w.u = b (z_t - z_y = 0); the projection of x0 onto it within the box is the optimum
      return projectHyperplaneBoxL1(r, w, b).reduce((s, v) => s + Math.abs(v), 0);
    });
    const res = await fabTargeted({ eps: 100, norm: 'l1', steps: 20 }).run(lin.model, x, y);
    expect(res.success).toEqual([true, true, true, true]);
    res.norms.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual((minimal[i] ?? 0) * (1 - 1e-4));
      expect(v).toBeLessThanOrEqual((minimal[i] ?? 0) * 1.05);
    });
    res.xAdv.dispose();
  });

  it('uses the runner-up classes as targets on a multi-class model and keeps memory flat', async () => {
    const lin4 = makeLinearModel(DIM, 5, 3);
    const y4 = tf.tidy(() => tf.cast(tf.argMax(lin4.model(x), 1), 'int32') as tf.Tensor1D);
    const attack = fabTargeted({ eps: 0.5, norm: 'linf', steps: 5, nTargets: 9 });
    expect(attack.settings.nTargetClasses).toBe(9);
    const warm = await attack.run(lin4.model, x, y4);
    expect(warm.success.every(Boolean)).toBe(true);
    warm.xAdv.dispose();
    const before = tf.memory().numTensors;
    for (let r = 0; r < 2; r++) (await attack.run(lin4.model, x, y4)).xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const norm of ['linf', 'l2', 'l1'] as const) {
    it(`${norm}: the batched (tensor) and per-sample (float64 JS) runs find the same points, with a random restart`, async () => {
      const lin4 = makeLinearModel(DIM, 5, 8);
      const y4 = tf.tidy(() => tf.cast(tf.argMax(lin4.model(x), 1), 'int32') as tf.Tensor1D);
      const eps = norm === 'l1' ? 100 : 10;
      const run = (projection: 'batched' | 'per-sample') =>
        fabTargeted({ eps, norm, steps: 15, nTargets: 3, restarts: 2, seed: 4, projection }).run(lin4.model, x, y4);
      const a = await run('per-sample');
      (await run('batched')).xAdv.dispose(); // warm-up
      const before = tf.memory().numTensors;
      const b = await run('batched');
      expect(tf.memory().numTensors).toBe(before + 1); // only b.xAdv is left
      expect(b.success).toEqual(a.success);
      expect(a.success.some(Boolean)).toBe(true);
      b.norms.forEach((v, i) => {
        expect(v).toBeCloseTo(a.norms[i] ?? Number.NaN, 4);
      });
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.xAdv, b.xAdv))).dataSync()[0] ?? Number.NaN);
      expect(diff).toBeLessThan(1e-4);
      expect(fabTargeted({ eps, projection: 'per-sample' }).settings.projection).toBe('per-sample');
      expect(fabTargeted({ eps }).settings.projection).toBe('auto');
      tf.dispose([a.xAdv, b.xAdv, y4]);
    });
  }

  it('rejects bad options', () => {
    expect(() => fabTargeted({ eps: 0.1, projection: 'gpu' as 'batched' })).toThrow(/projection/);
    expect(() => fabTargeted({ eps: 0.1, alphaMax: 2 })).toThrow(/alphaMax/);
    expect(() => fabTargeted({ eps: 0.1, steps: 0 })).toThrow(/steps must be an integer >= 1/);
    expect(() => fabTargeted({ eps: Number.NaN })).toThrow(/eps/);
  });
});
