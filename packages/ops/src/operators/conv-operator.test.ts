import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dot, finiteDifference, randomTensor } from '../testing/test-utils.ts';
import { convOperator } from './conv-operator.ts';
import type { ConvPadding } from './padding.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const paddings: ConvPadding[] = [
  'symmetric',
  'same',
  'valid',
  1,
  [
    [0, 0],
    [2, 0],
    [1, 2],
    [0, 0],
  ],
];

describe('convOperator: <A x, z> = <x, A* z>', () => {
  const cases: Array<[number, ConvPadding, number, number, number]> = [];
  for (const stride of [1, 2]) {
    for (const padding of paddings) {
      for (const [h, w] of [
        [7, 7],
        [8, 8],
        [6, 9],
      ] as const) {
        cases.push([stride, padding, h, w, 3]);
      }
    }
  }
  cases.push([2, 'symmetric', 9, 8, 5], [1, 'same', 6, 6, 4], [2, 'same', 7, 8, 2]);

  it.each(cases)('stride %s padding %j, %sx%s, kernel %s', (stride, padding, h, w, k) => {
    const W = randomTensor<tf.Rank.R4>([k, k, 3, 4], 11);
    const op = convOperator(W, [2, h, w, 3], { strides: stride, padding });
    const x = randomTensor<tf.Rank.R4>(op.inputShape, 12);
    const z = randomTensor<tf.Rank.R4>(op.outputShape, 13);
    const ax = op.forward(x);
    const atz = op.adjoint(z);
    expect(ax.shape).toEqual(op.outputShape);
    expect(atz.shape).toEqual(op.inputShape);
    const lhs = dot(ax.dataSync(), z.dataSync());
    const rhs = dot(x.dataSync(), atz.dataSync());
    expect(Math.abs(lhs - rhs) / Math.max(Math.abs(lhs), 1e-12)).toBeLessThan(1e-5);
    tf.dispose([W, x, z, ax, atz]);
  });

  it('the stride-2 symmetric operator differs from tfjs same on even sizes (PyTorch vs tfjs padding)', () => {
    const W = randomTensor<tf.Rank.R4>([3, 3, 3, 4], 1);
    const x = randomTensor<tf.Rank.R4>([1, 8, 8, 3], 2);
    const a = convOperator(W, x.shape, { strides: 2, padding: 'symmetric' }).forward(x);
    const b = convOperator(W, x.shape, { strides: 2, padding: 'same' }).forward(x);
    expect(a.shape).toEqual(b.shape);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-3);
  });
});

describe('convOperator gradients against central finite differences', () => {
  // L(x, W) = sum((A_W x)^2 * G) + sum((A*_W z)^2 * H): quadratic, so central differences are exact up to
  // float32 round-off of the loss.
  const shape = [1, 6, 5, 2];
  const W0 = randomTensor<tf.Rank.R4>([3, 3, 2, 3], 21);
  const x0 = randomTensor<tf.Rank.R4>(shape, 22);
  const probe = convOperator(W0, shape, { strides: 2, padding: 'symmetric' });
  const G = randomTensor<tf.Rank.R4>(probe.outputShape, 23);
  const H = randomTensor<tf.Rank.R4>(shape, 24);
  const z = randomTensor<tf.Rank.R4>(probe.outputShape, 25);
  const loss = (x: tf.Tensor, W: tf.Tensor) => {
    const op = convOperator(W as tf.Tensor4D, shape, { strides: 2, padding: 'symmetric' });
    return tf.add(
      tf.sum(tf.mul(tf.square(op.forward(x as tf.Tensor4D)), G)),
      tf.sum(tf.mul(tf.square(op.adjoint(z)), H)),
    ) as tf.Scalar;
  };

  it('d/dx and d/dW match at sampled coordinates', () => {
    const [gx, gW] = tf.grads(loss)([x0, W0]);
    const gxData = gx!.dataSync();
    const gWData = gW!.dataSync();
    for (const i of [0, 7, 19, 33, 59]) {
      const fd = finiteDifference((x) => loss(x, W0), x0, i, 1e-2);
      expect(Math.abs(fd - gxData[i]!)).toBeLessThan(2e-3 + 2e-3 * Math.abs(fd));
    }
    for (const i of [0, 5, 17, 30, 53]) {
      const fd = finiteDifference((W) => loss(x0, W), W0, i, 1e-2);
      expect(Math.abs(fd - gWData[i]!)).toBeLessThan(2e-3 + 2e-3 * Math.abs(fd));
    }
    tf.dispose([gx!, gW!]);
  });
});

describe('convOperator input checks', () => {
  const W = tf.zeros([3, 3, 3, 4]) as tf.Tensor4D;
  it('rejects a filter that is not rank 4', () => {
    expect(() => convOperator(tf.zeros([3, 3, 3]) as never, [1, 8, 8, 3])).toThrow(/filter: expected rank 4/);
  });
  it('rejects an input shape that is not rank 4', () => {
    expect(() => convOperator(W, [8, 8, 3])).toThrow(/inputShape: expected a rank-4 NHWC shape/);
  });
  it('rejects a channel mismatch, naming both counts', () => {
    expect(() => convOperator(W, [1, 8, 8, 5])).toThrow(/input has 5 channels but the filter \[3, 3, 3, 4\] expects 3/);
  });
  it('rejects bad strides and an input too small for the kernel', () => {
    expect(() => convOperator(W, [1, 8, 8, 3], { strides: 0 })).toThrow(
      /strides must be an integer >= 1 or a pair of them/,
    );
    expect(() => convOperator(W, [1, 2, 2, 3], { padding: 'valid' })).toThrow(/too small/);
  });
  it('rejects x and z whose shapes differ from the geometry', () => {
    const op = convOperator(W, [1, 8, 8, 3]);
    expect(() => op.forward(tf.zeros([1, 9, 8, 3]) as tf.Tensor4D)).toThrow(/A\(x\): x has shape \[1, 9, 8, 3\]/);
    expect(() => op.adjoint(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D)).toThrow(
      /A\*\(z\): z has shape \[1, 8, 8, 3\].*\[1, 8, 8, 4\]/,
    );
  });
  it('with checkFinite, rejects a filter holding NaN or Inf', () => {
    const bad = tf.tensor4d([1, Number.NaN, 0, 0], [1, 1, 2, 2]);
    expect(() => convOperator(bad, [1, 4, 4, 2], { checkFinite: true })).toThrow(/filter: contains NaN or Inf/);
    expect(() => convOperator(tf.ones([1, 1, 2, 2]) as tf.Tensor4D, [1, 4, 4, 2], { checkFinite: true })).not.toThrow();
  });
});
