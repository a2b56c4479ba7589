import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend/setup-backend.node.ts';
import { OpsError } from '../errors/ops-error.ts';
import { lcg } from '../testing/test-utils.ts';
import { SGD_STEP_KERNEL, type SgdStepOptions, sgdStep } from './sgd-step.ts';

// The one-pass native SGD step on wasm against the composite on the cpu backend: equal bit for bit (both round each
// operation to float32 in the same order), for plain, weight-decayed and Nesterov momentum, and a hand-computed value.
const n = 70_001; // several threaded blocks and a remainder
const p = () => tf.tensor1d(lcg(n, 1));
const g = () => tf.tensor1d(lcg(n, 2));
const buf = () => tf.tensor1d(lcg(n, 3));
const variants: [string, SgdStepOptions][] = [
  ['momentum', { lr: 0.1, momentum: 0.9 }],
  ['weight decay', { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 }],
  ['nesterov + weight decay', { lr: 0.01, momentum: 0.8, weightDecay: 1e-3, nesterov: true }],
  ['momentum 0', { lr: 0.3, momentum: 0 }],
];

function run(o: SgdStepOptions): { p: Float32Array; buf: Float32Array } {
  return tf.tidy(() => {
    const r = sgdStep(p(), g(), buf(), o);
    return { p: r.p.dataSync() as Float32Array, buf: r.buf.dataSync() as Float32Array };
  });
}

describe('sgdStep', () => {
  const native = new Map<string, { p: Float32Array; buf: Float32Array }>();
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    expect(tf.getKernel(SGD_STEP_KERNEL, 'wasm')).toBeDefined();
    for (const [name, o] of variants) native.set(name, run(o));
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(variants)('native %s equals the composite on cpu bit for bit', (name, o) => {
    expect(tf.getKernel(SGD_STEP_KERNEL, 'cpu')).toBeUndefined();
    const want = run(o);
    const got = native.get(name)!;
    expect(Array.from(got.p)).toEqual(Array.from(want.p));
    expect(Array.from(got.buf)).toEqual(Array.from(want.buf));
  });

  it('computes PyTorch SGD: buf = mu buf + g + wd p, p = p - lr (g + mu buf) with nesterov', () => {
    const r = sgdStep(tf.tensor1d([1, -2]), tf.tensor1d([0.5, 0.25]), tf.tensor1d([2, 4]), {
      lr: 0.5,
      momentum: 0.5,
      weightDecay: 0.1,
      nesterov: true,
    });
    // g' = [0.6, 0.05], buf' = [1.6, 2.05], d = g' + 0.5 buf' = [1.4, 1.075], p' = p - 0.5 d
    expect(Array.from(r.buf.dataSync())).toEqual([1.6, 2.05].map(Math.fround));
    const pv = r.p.dataSync();
    expect(pv[0]).toBeCloseTo(1 - 0.7, 6);
    expect(pv[1]).toBeCloseTo(-2 - 0.5375, 6);
  });

  it('names the argument on bad input', () => {
    const a = tf.zeros([3]);
    expect(() => sgdStep(a, tf.zeros([4]), a, { lr: 0.1, momentum: 0.9 })).toThrow(
      /'g' must be float32 with the shape/,
    );
    expect(() => sgdStep(a, a, tf.zeros([3], 'int32'), { lr: 0.1, momentum: 0.9 })).toThrow(OpsError);
    const i = tf.zeros([3], 'int32');
    expect(() => sgdStep(i, a, a, { lr: 0.1, momentum: 0.9 })).toThrow(/'p' must be float32, got int32/);
    expect(() => sgdStep(a, a, a, { lr: Number.NaN, momentum: 0.9 })).toThrow(/'lr' must be a finite number >= 0/);
    expect(() => sgdStep(a, a, a, { lr: 0.1, momentum: -1 })).toThrow(/'momentum'/);
  });
});
