import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stopGradient } from './stop-gradient.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stopGradient', () => {
  it('is the identity forward and blocks the gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    expect(Array.from(stopGradient(x).dataSync())).toEqual([1, -2, 3]);
    // d/dx [x * sg(x)] = sg(x) = x, whereas d/dx x^2 = 2x
    const g = tf.grad((a) => tf.sum(tf.mul(a, stopGradient(a))))(x);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3]);
  });
});
