import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBatchNormGradient } from './batch-norm-gradient.ts';

// The replaced FusedBatchNorm gradient against the same function written out as elementwise ops (whose gradient
// tfjs derives on its own), on the cpu backend: every input's gradient, per-channel and full-shape statistics,
// with a scale (tfjs cannot differentiate `tf.batchNorm` without one: it saves the absent scale); and it must run only what the input gradient needs.

function lcgValues(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

type Inputs = { x: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; scale?: tf.Tensor; offset: tf.Tensor };

function makeInputs(xShape: number[], statShape: number[], withScale: boolean): Inputs {
  const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return {
    x: tf.tensor(lcgValues(n(xShape), 1, -2, 2), xShape),
    mean: tf.tensor(lcgValues(n(statShape), 2, -0.5, 0.5), statShape),
    variance: tf.tensor(lcgValues(n(statShape), 3, 0.2, 2), statShape),
    scale: withScale ? tf.tensor(lcgValues(n(statShape), 4, 0.5, 1.5), statShape) : undefined,
    offset: tf.tensor(lcgValues(n(statShape), 5, -1, 1), statShape),
  };
}

const EPS = 1e-3;

describe('FusedBatchNorm gradient (lazy, per input)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerBatchNormGradient();
  });

  const cases: { name: string; x: number[]; stat: number[]; scale: boolean }[] = [
    { name: 'NHWC, per-channel statistics', x: [2, 3, 3, 4], stat: [4], scale: true },
    { name: 'rank 2, per-feature statistics', x: [5, 6], stat: [6], scale: true },
    { name: 'full-shape statistics', x: [2, 2, 2, 3], stat: [2, 2, 2, 3], scale: true },
  ];

  for (const c of cases) {
    it(`every gradient equals the elementwise composite's: ${c.name}`, () => {
      const inp = makeInputs(c.x, c.stat, c.scale);
      const dy = tf.tensor(lcgValues(inp.x.size, 9, -1, 1), c.x);
      const args = [inp.x, inp.mean, inp.variance, inp.offset, ...(inp.scale ? [inp.scale] : [])];
      const fused = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s?: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(x, m, v, o, s, EPS), dy));
      const composite = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s?: tf.Tensor) => {
        const norm = tf.mul(tf.sub(x, m), tf.rsqrt(tf.add(v, tf.scalar(EPS))));
        return tf.sum(tf.mul(tf.add(s ? tf.mul(norm, s) : norm, o), dy));
      };
      const got = tf.grads(fused as (...t: tf.Tensor[]) => tf.Tensor)(args);
      const want = tf.grads(composite as (...t: tf.Tensor[]) => tf.Tensor)(args);
      expect(got.length).toBe(args.length);
      for (let i = 0; i < args.length; i++) {
        expect(got[i]!.shape).toEqual(args[i]!.shape);
        const scaleOf = tf.tidy(() => tf.max(tf.abs(want[i]!)).dataSync()[0]!) + 1;
        expect(maxAbsDiff(got[i]!, want[i]!) / scaleOf).toBeLessThan(1e-5);
      }
    });
  }

  it('the input gradient is dy * rsqrt(variance + eps) * scale to the bit (tfjs multiplies in that order)', () => {
    const inp = makeInputs([2, 4, 4, 8], [8], true);
    const dy = tf.tensor(lcgValues(inp.x.size, 9, -1, 1), inp.x.shape);
    const got = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(tf.batchNorm(x, inp.mean, inp.variance, inp.offset, inp.scale, EPS), dy)),
    )(inp.x);
    const rs = tf.rsqrt(tf.add(inp.variance, tf.scalar(EPS)));
    const tiled = tf.tile(tf.reshape(rs, [1, 1, 1, 8]), [2, 4, 4, 1]);
    const want = tf.mul(tf.mul(dy, tiled), inp.scale!);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
  });

  it('an input-only gradient runs a handful of kernels, not the dozen tfjs precomputes', async () => {
    const inp = makeInputs([2, 4, 4, 8], [8], true);
    const f = tf.grad((x: tf.Tensor) => tf.sum(tf.batchNorm(x, inp.mean, inp.variance, inp.offset, inp.scale, EPS)));
    const info = await tf.profile(() => f(inp.x));
    const names = info.kernels.map((k) => k.name).filter((n) => n !== 'Identity');
    // after the forward's Sum: Sum's gradient (Reshape, Multiply, Reshape), then FusedBatchNorm's: Add, Rsqrt,
    // Multiply, Multiply, Reshape. tfjs' own adds Sub, a third and fourth Multiply for the cube, Tile, ...
    const backward = names.slice(names.indexOf('Sum') + 1).filter((n) => n !== 'Reshape');
    expect(backward).toEqual(['Multiply', 'Add', 'Rsqrt', 'Multiply', 'Multiply']);
  });
});
