import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { finiteDifference } from '../testing/test-utils.ts';
import { elasticWeights } from './elastic-weights.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const r = [-1.5, -0.3, -0.02, 0.04, 0.25, 0.9, 2.2];

describe('elasticWeights', () => {
  it('equals 1 / (2 (|r| + eps)) and is finite at r = 0', () => {
    const eps = 1e-2;
    const got = elasticWeights(tf.tensor1d([...r, 0]), eps).dataSync();
    [...r, 0].forEach((v, i) => {
      expect(got[i]).toBeCloseTo(1 / (2 * (Math.abs(v) + eps)), 4);
    });
    expect(got[r.length]).toBeCloseTo(50, 3);
  });
  it('gradient matches central differences and the closed form -sign(r) / (2 (|r| + eps)^2)', () => {
    const eps = 0.1;
    const g = tf.tensor1d([0.5, -1, 2, 0.3, -0.7, 1.1, 0.9]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(elasticWeights(x, eps), g)) as tf.Scalar;
    const r0 = tf.tensor1d(r);
    const grad = tf.grad(f)(r0).dataSync();
    const gData = g.dataSync();
    for (let i = 0; i < r.length; i++) {
      const closed = (-Math.sign(r[i]!) * gData[i]!) / (2 * (Math.abs(r[i]!) + eps) ** 2);
      expect(grad[i]).toBeCloseTo(closed, 3);
      const fd = finiteDifference(f, r0, i, 1e-3);
      expect(Math.abs(grad[i]! - fd)).toBeLessThan(1e-2 * Math.max(1, Math.abs(fd)));
    }
  });
  it('rejects eps <= 0 or non-finite', () => {
    expect(() => elasticWeights(tf.ones([2]), 0)).toThrow(/eps must be a finite number > 0, got 0/);
    expect(() => elasticWeights(tf.ones([2]), Number.POSITIVE_INFINITY)).toThrow(/eps/);
  });
});
