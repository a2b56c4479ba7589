import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { carliniWagnerL2 } from '../gradient/carlini-wagner-l2.ts';
import { linearLogits, makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { deepfool } from './deepfool.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DIM = 12;
const CLASSES = 4;

/**
 * Minimal l2 distance from x to {argmax != l} for an affine classifier, min_k (z_l - z_k) / ||w_l - w_k||, and the
 * largest per-pixel change of that optimal perturbation (to check the box stays inactive).
 */
function minimalDistance(lin: ReturnType<typeof makeLinearModel>, x: number[]): { d: number; maxShift: number } {
  const z = linearLogits(lin, x);
  const l = z.indexOf(Math.max(...z));
  let best = { d: Number.POSITIVE_INFINITY, maxShift: 0 };
  for (let k = 0; k < CLASSES; k++) {
    if (k === l) continue;
    const w = Array.from(
      { length: DIM },
      (_, i) => (lin.weights[i * CLASSES + l] ?? 0) - (lin.weights[i * CLASSES + k] ?? 0),
    );
    const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    const d = ((z[l] ?? 0) - (z[k] ?? 0)) / norm;
    if (d < best.d) best = { d, maxShift: (d * Math.max(...w.map(Math.abs))) / norm };
  }
  return best;
}

describe('minimal-l2 attacks on a linear model', () => {
  const lin = makeLinearModel(DIM, CLASSES, 21, 1);
  const x = makeImages([3, 2, 2, 3], 17, 0.4, 0.6);
  const rows = (tf.reshape(x, [3, -1]) as tf.Tensor2D).arraySync();
  const preds = rows.map((r) => {
    const z = linearLogits(lin, r);
    return z.indexOf(Math.max(...z));
  });
  const y = tf.tensor1d(preds, 'int32');
  const closed = rows.map((r) => minimalDistance(lin, r));
  const dists = closed.map((c) => c.d);

  it('test points are far enough from the box edges for the closed form to hold', () => {
    for (const c of closed) expect(1.05 * c.maxShift).toBeLessThan(0.4);
  });

  it('DeepFool finds (1 + overshoot) x the distance to the nearest boundary', async () => {
    const r = await deepfool({ overshoot: 0.02 }).run(lin.model, x, y);
    expect(r.success).toEqual([true, true, true]);
    r.norms.forEach((n, i) => {
      expect(n).toBeCloseTo(1.02 * ((dists[i] ?? 0) + 1e-4), 4);
    });
  });

  it('C&W l2 converges to the minimal distance', async () => {
    const attack = carliniWagnerL2({ steps: 300, binarySearchSteps: 9, learningRate: 0.01, initialConst: 1 });
    const r = await attack.run(lin.model, x, y);
    expect(r.success).toEqual([true, true, true]);
    r.norms.forEach((n, i) => {
      const d = dists[i] ?? 0;
      expect(n).toBeGreaterThanOrEqual(d * 0.999);
      expect(n).toBeLessThan(d * 1.05);
    });
  });

  it('C&W refuses probability outputs', async () => {
    const probs = (xi: tf.Tensor4D) => tf.softmax(lin.model(xi));
    await expect(carliniWagnerL2({ steps: 2 }).run(probs, x, y)).rejects.toThrow(/probabilities/);
  });

  it('C&W with eps keeps results inside the budget', async () => {
    const r = await carliniWagnerL2({ steps: 50, binarySearchSteps: 3, eps: 0.01 }).run(lin.model, x, y);
    for (const n of r.norms) expect(n).toBeLessThanOrEqual(0.01 + 1e-6);
  });
});
