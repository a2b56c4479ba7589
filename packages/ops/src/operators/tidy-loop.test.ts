import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomTensor } from '../testing/test-utils.ts';
import { convOperator } from './conv-operator.ts';
import { elasticWeights } from './elastic-weights.ts';
import { nonNegativeSoftThreshold, softThreshold } from './shrinkage.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('a 200-step tf.tidy loop over every op and its gradient', () => {
  it('keeps tf.memory().numTensors flat', () => {
    const W = tf.variable(randomTensor<tf.Rank.R4>([3, 3, 2, 4], 41));
    const x = randomTensor<tf.Rank.R4>([1, 6, 6, 2], 42);
    const thr = tf.scalar(0.05);
    const step = () =>
      tf.tidy(() => {
        const [gx, gW] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
          const op = convOperator(b as tf.Tensor4D, a.shape, { strides: 2 });
          let z: tf.Tensor4D = nonNegativeSoftThreshold(tf.mul(0.1, op.forward(a as tf.Tensor4D)), thr);
          const r = tf.sub(a, op.adjoint(z));
          z = softThreshold(
            tf.add(z, tf.mul(0.1, op.forward(tf.mul(elasticWeights(r), r) as tf.Tensor4D))) as tf.Tensor4D,
            thr,
          );
          return tf.sum(tf.square(z)) as tf.Scalar;
        })([x, W]);
        W.assign(tf.sub(W, tf.mul(1e-3, gW!)) as tf.Tensor4D);
        return gx!.sum();
      });
    step().dispose();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    for (let i = 0; i < 200; i++) {
      step().dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts)).toEqual(new Set([before]));
    expect(Number.isFinite(W.sum().dataSync()[0])).toBe(true);
  });
});
