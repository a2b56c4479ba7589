import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromLayersModel, looksLikeProbabilities, withNormalization } from './model.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('withNormalization', () => {
  it('feeds (x - mean) / std per channel to the model', () => {
    const identity = (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    const wrapped = withNormalization(identity, { mean: [0.5, 0.25], std: [2, 4] });
    const x = tf.tensor4d([0.1, 0.9, 0.3, 0.7], [1, 1, 2, 2]);
    const out = wrapped(x).arraySync()[0] ?? [];
    const expected = [(0.1 - 0.5) / 2, (0.9 - 0.25) / 4, (0.3 - 0.5) / 2, (0.7 - 0.25) / 4];
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 6);
    });
  });
  it('rejects bad statistics', () => {
    const m = (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    expect(() => withNormalization(m, { mean: 0, std: [1, 0] })).toThrow(/std/);
    expect(() => withNormalization(m, { mean: [0, 0, 0], std: 1 })(tf.zeros([1, 2, 2, 2]))).toThrow(/channels/);
  });
});

describe('fromLayersModel', () => {
  it('applies a LayersModel and passes gradients', () => {
    const net = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 3, useBias: false })],
    });
    const m = fromLayersModel(net);
    const x = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    const viaPredict = net.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(m(x), viaPredict))).dataSync()[0]).toBeLessThan(1e-6);
    const g = tf.grad((xi: tf.Tensor) => tf.sum(m(xi as tf.Tensor4D)))(x);
    const kernel = net.getWeights()[0] as tf.Tensor2D;
    const expected = tf.sum(kernel, 1).dataSync();
    const got = (g.reshape([2, 4]) as tf.Tensor2D).arraySync()[1] ?? [];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 5);
    });
  });
});

describe('looksLikeProbabilities', () => {
  it('flags softmax outputs and passes logits', async () => {
    const logits = tf.tensor2d([
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ]);
    expect(await looksLikeProbabilities(logits)).toBe(false);
    expect(await looksLikeProbabilities(tf.softmax(logits))).toBe(true);
  });
});
