import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../core/model.ts';
import { perSampleNorm } from '../core/projections.ts';
import { tinyCnn } from '../testing/auto-attack-test-cnn.ts';
import { makeImages } from '../testing/test-helpers.ts';
import { square } from './square.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('square attack', () => {
  it('never leaves the ball or the box and lowers accuracy of a small CNN (linf and l2, non-square images)', async () => {
    const x = makeImages([6, 6, 9, 3], 17, 0, 1);
    const cnn = tinyCnn(x);
    const y = tf.tidy(() => tf.cast(tf.argMax(cnn.model(x), 1), 'int32') as tf.Tensor1D);
    for (const [norm, eps] of [
      ['linf', 0.03],
      ['l2', 0.3],
    ] as const) {
      const res = await square({ eps, norm, queries: 150, seed: 1 }).run(cnn.model, x, y);
      const norms = Array.from(perSampleNorm(tf.sub(res.xAdv, x), norm).dataSync());
      expect(Math.max(...norms)).toBeLessThanOrEqual(eps + 1e-5);
      expect(tf.min(res.xAdv).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(res.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
      const fooled = res.success.filter(Boolean).length;
      expect(fooled).toBeGreaterThan(0);
      // success is recomputed on the returned images: fooled points are really misclassified
      const pred = Array.from(tf.argMax(cnn.model(res.xAdv), 1).dataSync());
      const labels = Array.from(y.dataSync());
      res.success.forEach((s, i) => {
        expect(s).toBe(pred[i] !== labels[i]);
      });
      // unfooled points come back clean
      res.success.forEach((s, i) => {
        if (!s) expect(norms[i]).toBe(0);
      });
      expect(res.queries).toBeGreaterThan(1);
      res.xAdv.dispose();
    }
    cnn.dispose();
  });

  it('stops querying fooled samples and is reproducible with the same seed', async () => {
    const x = makeImages([3, 5, 5, 1], 3, 0, 1);
    const cnn = tinyCnn(x);
    const y = tf.tidy(() => tf.cast(tf.argMax(cnn.model(x), 1), 'int32') as tf.Tensor1D);
    let calls = 0;
    let rowsSeen = 0;
    const counting: Model = (input) => {
      calls++;
      rowsSeen += input.shape[0];
      return cnn.model(input);
    };
    const a = await square({ eps: 0.1, queries: 40, seed: 9 }).run(counting, x, y);
    // At most 3 rows per iteration; with early stop strictly fewer rows than 3 per call once someone is fooled.
    expect(a.success.some(Boolean)).toBe(true);
    expect(rowsSeen).toBeLessThan(3 * calls);
    const b = await square({ eps: 0.1, queries: 40, seed: 9 }).run(cnn.model, x, y);
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    const before = tf.memory().numTensors;
    for (let r = 0; r < 2; r++)
      (await square({ eps: 0.01, queries: 30, norm: 'l2' }).run(cnn.model, x, y)).xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a.xAdv, b.xAdv]);
    cnn.dispose();
  });

  it('rejects bad options', () => {
    expect(() => square({ eps: 0.1, pInit: 0 })).toThrow(/pInit/);
    expect(() => square({ eps: 0.1, queries: 0 })).toThrow(/queries must be an integer >= 1/);
  });
});
