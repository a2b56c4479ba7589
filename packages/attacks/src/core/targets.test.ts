import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { resolveTargets } from './targets.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('resolveTargets', async () => {
  const logits = [
    [3, 1, 2, 0],
    [0, 5, 4, 1],
  ];
  const model = (x: tf.Tensor4D) => tf.mul(tf.tensor2d(logits), tf.sum(x)) as tf.Tensor2D; // sum(x) = 1
  const x = tf.tensor4d([0.5, 0.5], [2, 1, 1, 1]);
  const y = tf.tensor1d([0, 1], 'int32');
  it('least-likely and second-most-likely follow the logits', async () => {
    expect(Array.from((await resolveTargets(model, x, y, 'least-likely', createRng(0))).dataSync())).toEqual([3, 0]);
    expect(Array.from((await resolveTargets(model, x, y, 'second-most-likely', createRng(0))).dataSync())).toEqual([
      2, 2,
    ]);
  });
  it('random never picks the true label and is seeded', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const t = Array.from((await resolveTargets(model, x, y, 'random', createRng(seed))).dataSync());
      expect(t[0]).not.toBe(0);
      expect(t[1]).not.toBe(1);
      expect(t).toEqual(Array.from((await resolveTargets(model, x, y, 'random', createRng(seed))).dataSync()));
    }
  });
  it('passes given targets through and checks their shape', async () => {
    expect(
      Array.from((await resolveTargets(model, x, y, 'random', createRng(0), tf.tensor1d([2, 3]))).dataSync()),
    ).toEqual([2, 3]);
    await expect(resolveTargets(model, x, y, 'random', createRng(0), tf.tensor1d([2]))).rejects.toThrow(
      /one label per image/,
    );
  });
});
