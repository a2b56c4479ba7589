import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeLinearModel } from '../testing/test-helpers.ts';
import { AttackError } from './errors.ts';
import { checkAttackInputs, checkImages, checkLabels, checkTargets } from './validate-inputs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('input validation', () => {
  it('accepts good inputs and returns the class count and labels', async () => {
    const lin = makeLinearModel(4, 3);
    await expect(
      checkAttackInputs(lin.model, tf.fill([2, 2, 2, 1], 0.5), tf.tensor1d([0, 2], 'int32')),
    ).resolves.toEqual({ numClasses: 3, labels: [0, 2] });
  });

  it('names the argument and the expectation', async () => {
    await expect(checkImages('x', tf.zeros([2, 4]))).rejects.toThrow(/x must have rank 4/);
    await expect(checkImages('x', tf.fill([1, 2, 2, 1], 1.5))).rejects.toThrow(/x must have pixels in \[0, 1\]/);
    await expect(checkImages('x', tf.fill([1, 2, 2, 1], -0.1))).rejects.toThrow(/\[0, 1\]/);
    await expect(checkImages('x', tf.tensor4d([0, Number.NaN, 0, 0], [1, 2, 2, 1]))).rejects.toThrow(/NaN/);
    await expect(checkImages('x', tf.zeros([1, 2, 2, 1], 'int32'))).rejects.toThrow(/float32/);
    await expect(checkLabels('y', tf.tensor1d([0, 3], 'int32'), 2, 3)).rejects.toThrow(/y\[1\] = 3.*\[0, 3\)/);
    await expect(checkLabels('y', tf.tensor1d([0, -1], 'int32'), 2, 3)).rejects.toThrow(/y\[1\]/);
    await expect(checkLabels('y', tf.tensor1d([0.5]), 1, 3)).rejects.toThrow(/integer/);
    await expect(checkLabels('y', tf.tensor1d([0, 1], 'int32'), 3, 3)).rejects.toThrow(/2 labels but the batch has 3/);
    await expect(checkLabels('y', tf.tensor2d([[0]], [1, 1], 'int32'), 1, 3)).rejects.toThrow(/rank 1/);
    const err = await checkImages('x', tf.zeros([2, 4])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttackError);
    expect((err as AttackError).option).toBe('x');
    expect((err as AttackError).code).toBe('invalid-input');
  });

  it('rejects targets out of range or equal to the true label, naming targets', async () => {
    await expect(checkTargets('targets', tf.tensor1d([1, 2], 'int32'), [0, 1], 3)).resolves.toBeUndefined();
    await expect(checkTargets('targets', tf.tensor1d([1, 3], 'int32'), [0, 1], 3)).rejects.toThrow(
      /targets\[1\] = 3 .*\[0, 3\)/,
    );
    await expect(checkTargets('targets', tf.tensor1d([1, 1], 'int32'), [0, 1], 3)).rejects.toThrow(
      /targets\[1\] = 1 equals the true label/,
    );
    await expect(checkTargets('targets', tf.tensor1d([1], 'int32'), [0, 1], 3)).rejects.toThrow(/targets has 1 labels/);
  });
});
