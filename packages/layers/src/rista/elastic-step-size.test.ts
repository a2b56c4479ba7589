import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elasticStepSize } from './elastic-step-size.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('elasticStepSize', () => {
  it('is lipschitzStep / (beta + (1 - beta) / (2 eps)): unchanged at beta = 1, 2 eps times it at beta = 0', () => {
    expect(elasticStepSize(0.09, 1, 1e-3)).toBeCloseTo(0.09, 12);
    expect(elasticStepSize(0.09, 0, 1e-3)).toBeCloseTo(0.09 * 2e-3, 12);
    expect(elasticStepSize(0.09, 0.5, 1e-2)).toBeCloseTo(0.09 / (0.5 + 0.5 * 50), 12);
    // a large eps bounds w below 1: the l1 part is then flatter than the l2 part and the step may exceed 0.9 / L
    expect(elasticStepSize(0.09, 0, 1)).toBeCloseTo(0.18, 12);
  });

  it('takes scalar tensors (a learnt beta) and returns a scalar tensor without gradient, reading nothing', () => {
    const beta = tf.scalar(0.3);
    const t = elasticStepSize(tf.scalar(0.09), beta, 1e-3);
    expect(t.rank).toBe(0);
    expect(t.dataSync()[0]).toBeCloseTo(0.09 / (0.3 + 0.7 * 500), 9);
    expect(elasticStepSize(0.09, beta, 1e-3).dataSync()[0]).toBeCloseTo(t.dataSync()[0]!, 9);
    const grad = tf.grad((b: tf.Tensor) => tf.mul(elasticStepSize(tf.scalar(0.09), b as tf.Scalar, 1e-3), 1))(beta);
    expect(grad.dataSync()[0]).toBe(0);
  });

  it('rejects a bad step, beta or eps with the argument named', () => {
    expect(() => elasticStepSize(0, 0.5, 1e-3)).toThrow(/lipschitzStep/);
    expect(() => elasticStepSize(0.1, 1.5, 1e-3)).toThrow(/beta/);
    expect(() => elasticStepSize(0.1, 0.5, 0)).toThrow(/eps/);
    expect(() => elasticStepSize(tf.tensor1d([0.1]) as unknown as tf.Scalar, 0.5, 1e-3)).toThrow(/lipschitzStep/);
  });
});
