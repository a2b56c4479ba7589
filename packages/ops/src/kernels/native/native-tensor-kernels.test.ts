import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../backend/setup-backend.node.ts';
import { lcg as rand } from '../../testing/test-utils.ts';

// Own process: native Tile / Sum / Mean / elementwise / Slice / PadV2 / ReLU gradient on wasm against the cpu backend, covered and handed-back cases alike.
interface Case {
  name: string;
  run: () => tf.Tensor;
}

const big = (seed: number) => tf.tensor2d(rand(300 * 257, seed), [300, 257]);
const x4 = () => tf.tensor4d(rand(3 * 5 * 4 * 7, 1), [3, 5, 4, 7]);
const cases: Case[] = [
  {
    name: 'tile [1,1,1,C] to NHWC (BatchNorm gradient)',
    run: () => tf.tile(tf.tensor4d(rand(7, 2), [1, 1, 1, 7]), [3, 5, 4, 1]),
  },
  { name: 'tile on every axis', run: () => tf.tile(tf.tensor3d(rand(2 * 3 * 4, 3), [2, 3, 4]), [2, 3, 2]) },
  { name: 'tile int32', run: () => tf.tile(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [3, 2]) },
  { name: 'tile bool (handed back)', run: () => tf.cast(tf.tile(tf.tensor1d([true, false], 'bool'), [3]), 'int32') },
  {
    name: 'tile rank 1 and reps 0',
    run: () => tf.concat([tf.tile(tf.tensor1d([1, 2]), [3]), tf.tile(tf.tensor1d([5]), [0])]),
  },
  { name: 'sum over N,H,W', run: () => tf.sum(x4(), [0, 1, 2]) },
  { name: 'sum over N,H,W keepDims', run: () => tf.sum(x4(), [0, 1, 2], true) },
  { name: 'sum over all axes (flat)', run: () => tf.sum(tf.tensor1d(rand(100003, 4))) },
  { name: 'sum over axis 0 given as -4 and 0', run: () => tf.sum(x4(), [-4]) },
  { name: 'sum over H,W (not leading: handed back)', run: () => tf.sum(x4(), [1, 2]) },
  { name: 'sum int32 (handed back)', run: () => tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0) },
  { name: 'mean over N,H,W', run: () => tf.mean(x4(), [0, 1, 2]) },
  {
    name: 'mean over leading axes of a large tensor',
    run: () => tf.mean(tf.tensor2d(rand(4096 * 64, 5), [4096, 64]), 0),
  },
  { name: 'mean over the last axis (handed back)', run: () => tf.mean(x4(), -1) },
  { name: 'mul same shape (large, threaded)', run: () => tf.mul(big(6), big(7)) },
  { name: 'sub per-channel [C] from NHWC', run: () => tf.sub(x4(), tf.tensor1d(rand(7, 8))) },
  { name: 'sub NHWC from [1,1,1,C] (small first)', run: () => tf.sub(tf.tensor4d(rand(7, 9), [1, 1, 1, 7]), x4()) },
  { name: 'add scalar (large)', run: () => tf.add(big(10), tf.scalar(0.25)) },
  { name: 'mul scalar first', run: () => tf.mul(tf.scalar(-3), x4()) },
  { name: 'add [W,C] trailing', run: () => tf.add(x4(), tf.tensor2d(rand(28, 11), [4, 7])) },
  {
    name: 'mul [B,1,1,C] (not trailing: handed back)',
    run: () => tf.mul(x4(), tf.tensor4d(rand(21, 12), [3, 1, 1, 7])),
  },
  {
    name: 'add outer broadcast [5,1] + [1,4] (handed back)',
    run: () => tf.add(tf.ones([5, 1]), tf.range(0, 4).reshape([1, 4])),
  },
  { name: 'div by per-channel [C] (handed back)', run: () => tf.div(x4(), tf.tensor1d(rand(7, 13)).add(1)) },
  { name: 'div scalar by tensor (handed back)', run: () => tf.div(tf.scalar(2), tf.abs(x4()).add(0.5)) },
  { name: 'relu (large, threaded)', run: () => tf.relu(big(18)) },
  { name: 'step with alpha 0.25', run: () => tf.step(x4(), 0.25) },
  { name: 'relu int32 (handed back)', run: () => tf.cast(tf.relu(tf.tensor1d([-2, 3], 'int32')), 'float32') },
  { name: 'relu gradient (step x dy)', run: () => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), a)))(big(19)) },
  {
    name: 'batchNorm with [C] mean, variance, offset, scale',
    run: () => {
      const p = (s: number) => tf.tensor1d(rand(7, s));
      return tf.batchNorm(x4(), p(14), tf.abs(p(15)).add(0.1), p(16), p(17), 1e-3);
    },
  },
  {
    name: 'batchNorm with [1,1,1,C] parameters and no offset / scale',
    run: () =>
      tf.batchNorm(x4(), tf.tensor4d(rand(7, 18), [1, 1, 1, 7]), tf.tensor4d(rand(7, 19), [1, 1, 1, 7]).abs().add(0.2)),
  },
  {
    name: 'batchNorm, large (threaded), constant variance',
    run: () =>
      tf.batchNorm(
        tf.tensor4d(rand(8 * 16 * 16 * 32, 20), [8, 16, 16, 32]),
        tf.tensor1d(rand(32, 21)),
        tf.fill([32], 0.7),
      ),
  },
  {
    name: 'batchNorm over axis 1 parameters [1,5,1,1] (handed back)',
    run: () =>
      tf.batchNorm(x4(), tf.tensor4d(rand(5, 22), [1, 5, 1, 1]), tf.tensor4d(rand(5, 23), [1, 5, 1, 1]).abs().add(0.3)),
  },
  {
    name: 'sign with zeros, negative zeros and NaN',
    run: () => tf.sign(tf.tensor1d([-2, -0, 0, 3, Number.NaN, 1e-30])),
  },
  { name: 'sign, large (threaded)', run: () => tf.sign(big(24)) },
  {
    name: 'clipByValue with NaN and the bounds',
    run: () => tf.clipByValue(tf.tensor1d([-1, 0.1, 0.2, 5, Number.NaN]), 0.1, 0.2),
  },
  { name: 'clipByValue, large (threaded)', run: () => tf.clipByValue(big(25), -0.1, 0.3) },
  { name: 'sign int32 (handed back)', run: () => tf.sign(tf.tensor1d([-3, 0, 4], 'int32')) },
  {
    name: 'slice a window of H and W (the gradient of a ResNet stride-2 padding)',
    run: () => tf.slice(x4(), [0, 1, 1, 0], [3, 3, 2, 7]),
  },
  { name: 'slice every axis, size -1', run: () => tf.slice(x4(), [1, 2, 1, 3], [-1, 2, -1, 3]) },
  { name: 'slice leading rows (contiguous)', run: () => tf.slice(big(26), [10, 0], [200, 257]) },
  { name: 'slice large window (threaded)', run: () => tf.slice(big(27), [3, 5], [290, 200]) },
  {
    name: 'slice rank 1 and rank 5',
    run: () =>
      tf.concat([
        tf.slice(tf.tensor1d(rand(9, 28)), 2, 5),
        tf
          .slice(tf.tensor5d(rand(2 * 3 * 2 * 3 * 2, 29), [2, 3, 2, 3, 2]), [1, 1, 0, 1, 1], [1, 2, 2, 1, 1])
          .reshape([-1]),
      ]),
  },
  { name: 'slice int32', run: () => tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]) },
  { name: 'slice to an empty tensor', run: () => tf.slice(x4(), [0, 0, 0, 0], [3, 0, 4, 7]) },
  {
    name: 'slice bool (handed back)',
    run: () => tf.cast(tf.slice(tf.tensor1d([true, false, true], 'bool'), 1, 2), 'int32'),
  },
  {
    name: 'pad H and W by 1 (a ResNet stride-2 padding)',
    run: () =>
      tf.pad(x4(), [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]),
  },
  {
    name: 'pad every axis unevenly with a constant',
    run: () =>
      tf.pad(
        x4(),
        [
          [1, 0],
          [0, 2],
          [3, 1],
          [2, 2],
        ],
        2.5,
      ),
  },
  {
    name: 'pad large (threaded)',
    run: () =>
      tf.pad(
        big(30),
        [
          [4, 5],
          [1, 0],
        ],
        -1,
      ),
  },
  {
    name: 'pad int32 with a constant',
    run: () =>
      tf.pad(
        tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'),
        [
          [1, 0],
          [0, 2],
        ],
        7,
      ),
  },
  {
    name: 'pad an empty tensor',
    run: () =>
      tf.pad(
        tf.zeros([0, 3]),
        [
          [1, 1],
          [0, 1],
        ],
        4,
      ),
  },
  {
    name: 'pad gradient (a window slice)',
    run: () =>
      tf.grad((a: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.pad(a, [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ]),
            3,
          ),
        ),
      )(x4()),
  },
  {
    name: 'relu gradient with NaN, +-0 and infinite inputs and upstream gradients',
    run: () => {
      const a = tf.tensor1d([-1, -0, 0, 2, Number.NaN, Number.POSITIVE_INFINITY, -3, 4, 5]);
      const w = tf.tensor1d([1, 2, 3, 4, 5, 6, Number.POSITIVE_INFINITY, Number.NaN, -2]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(a);
    },
  },
  { name: 'add int32 (handed back)', run: () => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')) },
];

describe('native Tile / Sum / Mean on wasm against the cpu backend', () => {
  const got = new Map<string, { shape: number[]; dtype: string; values: number[] }>();
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    for (const c of cases) {
      const t = c.run();
      got.set(c.name, { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) });
      t.dispose();
    }
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const want = c.run();
    const g = got.get(c.name)!;
    expect(g.shape).toEqual(want.shape);
    expect(g.dtype).toBe(want.dtype);
    const w = Array.from(want.dataSync());
    const scale = Math.max(1, ...w.filter((v) => !Number.isNaN(v)).map(Math.abs));
    for (let i = 0; i < w.length; i++) {
      if (Number.isNaN(w[i])) expect(g.values[i]).toBeNaN();
      else expect(Math.abs(g.values[i]! - w[i]!) / scale).toBeLessThan(2e-6);
    }
    want.dispose();
  });
});
