import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateAttackInputs, validateEps, validateImages, validateLabels } from './validate-inputs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('input validation', () => {
  it('accepts good inputs', async () => {
    await expect(
      validateAttackInputs(tf.fill([2, 2, 2, 1], 0.5), tf.tensor1d([0, 2], 'int32'), 3),
    ).resolves.toBeUndefined();
  });
  it('names the argument and the expectation', async () => {
    await expect(validateImages(tf.zeros([2, 4]))).rejects.toThrow(/x must have rank 4/);
    await expect(validateImages(tf.fill([1, 2, 2, 1], 1.5))).rejects.toThrow(/x must have pixels in \[0, 1\]/);
    await expect(validateImages(tf.fill([1, 2, 2, 1], -0.1))).rejects.toThrow(/\[0, 1\]/);
    await expect(validateImages(tf.tensor4d([0, Number.NaN, 0, 0], [1, 2, 2, 1]))).rejects.toThrow(/NaN/);
    await expect(validateImages(tf.zeros([1, 2, 2, 1], 'int32'))).rejects.toThrow(/float32/);
    await expect(validateLabels(tf.tensor1d([0, 3], 'int32'), 2, 3)).rejects.toThrow(/y\[1\] = 3.*\[0, 3\)/);
    await expect(validateLabels(tf.tensor1d([0, -1], 'int32'), 2, 3)).rejects.toThrow(/y\[1\]/);
    await expect(validateLabels(tf.tensor1d([0.5]), 1, 3)).rejects.toThrow(/integer/);
    await expect(validateLabels(tf.tensor1d([0, 1], 'int32'), 3, 3)).rejects.toThrow(/2 labels but the batch has 3/);
    await expect(validateLabels(tf.tensor2d([[0]], [1, 1], 'int32'), 1, 3)).rejects.toThrow(/rank 1/);
    expect(() => validateEps(-0.1)).toThrow(/eps must be a finite number >= 0/);
    expect(() => validateEps(Number.NaN)).toThrow(/eps/);
    expect(() => validateEps(Number.POSITIVE_INFINITY, 'epsilon')).toThrow(/epsilon/);
  });
});
