import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend/setup-backend.node.ts';
import { lcg as rand, relErr } from '../testing/test-utils.ts';
import { batchNormTraining, fusedBatchNormAvailable } from './fused-batch-norm.ts';

// Own process: the wasm backend with the native addon (required: it is built at install). Reference: tf.moments +
// tf.batchNorm (what tfjs-layers' BatchNormalization composes in training) on the cpu backend.

interface Case {
  shape: number[];
  /** Added to x: a mean far from 0 tests the statistics' round-off. */
  shift: number;
  /** Whether the loss also reads the returned mean and variance (their gradients flow back into x). */
  withStats: boolean;
}

const cases: Case[] = [
  { shape: [2, 5, 7, 6], shift: 0, withStats: false },
  { shape: [2, 5, 7, 6], shift: 0, withStats: true },
  { shape: [3, 17], shift: 0.3, withStats: true },
  { shape: [4, 3, 5, 33], shift: 0, withStats: false },
  { shape: [37], shift: 0, withStats: true }, // one channel per element: rank 1, variance 0 per channel
  { shape: [8, 16, 16, 20], shift: 0, withStats: true }, // large enough for the threaded passes
  { shape: [4, 9, 9, 16], shift: 100, withStats: false },
];

const EPS = 1e-5;

/** [loss, y, mean, variance, dx, dscale, doffset] of the fused op (fused) or the composite ops. */
function run(fused: boolean, { shape, shift, withStats }: Case, xValues?: Float32Array): Float32Array[] {
  return tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    const c = shape.at(-1)!;
    const x = tf.tensor(xValues ?? rand(n, 1).map((v) => v * 3 + shift), shape);
    const scale = tf.tensor1d(rand(c, 2).map((v) => v + 1));
    const offset = tf.tensor1d(rand(c, 3));
    const G = tf.tensor(rand(n, 4), shape);
    const Gm = tf.tensor1d(rand(c, 5));
    const Gv = tf.tensor1d(rand(c, 6));
    const axes = shape.slice(0, -1).map((_, i) => i);
    const forward = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      if (fused) return batchNormTraining(a, s as tf.Tensor1D, o as tf.Tensor1D, EPS);
      const { mean, variance } = tf.moments(a, axes);
      return { y: tf.batchNorm(a, mean, variance, o as tf.Tensor1D, s as tf.Tensor1D, EPS), mean, variance };
    };
    const loss = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const { y, mean, variance } = forward(a, s, o);
      const l = tf.sum(tf.mul(y, G));
      return withStats ? tf.addN([l, tf.sum(tf.mul(mean, Gm)), tf.sum(tf.mul(variance, Gv))]) : l;
    };
    const { y, mean, variance } = forward(x, scale, offset);
    const grads = tf.grads(loss)([x, scale, offset]);
    return [loss(x, scale, offset), y, mean, variance, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('batchNormTraining (wasm + native addon) against tf.moments + tf.batchNorm on the cpu backend', () => {
  const got: Float32Array[][] = [];
  const nanGot: Float32Array[] = [];
  let leak: number[] = [];
  let cpuError: unknown;
  const nanCase: Case = { shape: [3, 4, 5], shift: 0, withStats: false };
  const nanX = rand(60, 9);
  nanX[5 * 2 + 1] = Number.NaN; // channel 1

  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    expect(fusedBatchNormAvailable()).toBe(true);
    for (const c of cases) got.push(run(true, c));
    nanGot.push(...run(true, nanCase, nanX));
    const x = tf.tensor4d(rand(2 * 4 * 4 * 8, 7), [2, 4, 4, 8]);
    const s = tf.ones([8]) as tf.Tensor1D;
    const o = tf.zeros([8]) as tf.Tensor1D;
    const counts = new Set<number>();
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        const [g] = tf.grads((a: tf.Tensor) => tf.sum(tf.square(batchNormTraining(a, s, o, EPS).y)))([x]);
        g!.dataSync();
      });
      counts.add(tf.memory().numTensors);
    }
    leak = [...counts];
    tf.dispose([x, s, o]);
    await tf.setBackend('cpu');
    try {
      batchNormTraining(tf.ones([2, 3]), tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, EPS);
    } catch (e) {
      cpuError = e;
    }
  });

  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(cases.map((c, i) => [i, c.shape.join('x'), c.shift, c.withStats] as const))(
    'case %i: x [%s] + %s, loss reads the statistics: %s: y, mean, variance and dx, dscale, doffset',
    (i) => {
      const want = run(false, cases[i]!);
      const names = ['loss', 'y', 'mean', 'variance', 'dx', 'dscale', 'doffset'];
      // the statistics of x + 100 keep ~1e-5 of float32 round-off in the cpu reference itself
      const tol = cases[i]!.shift >= 100 ? 2e-3 : 2e-5;
      for (let k = 0; k < names.length; k++) {
        const scale = Math.max(...Array.from(want[k]!, Math.abs));
        // the loss is a sum of terms of both signs: its relative round-off is larger than that of its parts
        const err = relErr(got[i]![k]!, want[k]!) * (k === 0 ? 0.02 : 1);
        // an all-zero reference (d x when every channel has one element): compare absolutely
        expect(scale > 1e-6 ? err : Math.max(...Array.from(got[i]![k]!, Math.abs)), names[k]).toBeLessThan(tol);
      }
      expect(Math.max(...Array.from(want[4]!, Math.abs)) > 0 || cases[i]!.shape.length === 1).toBe(true); // non-vacuous dx
    },
  );

  it('NaN in one channel: that channel is NaN in y, mean, variance and dx, the others match the reference', () => {
    const want = run(false, nanCase, nanX);
    for (const k of [1, 2, 3, 4]) {
      const g = nanGot[k]!;
      const w = want[k]!;
      const c = k === 2 || k === 3 ? (i: number) => i : (i: number) => i % 5;
      for (let i = 0; i < w.length; i++) {
        expect(Number.isNaN(g[i]!), `output ${k} at ${i}`).toBe(Number.isNaN(w[i]!));
        if (c(i) === 1) expect(Number.isNaN(g[i]!)).toBe(true);
        else expect(Math.abs(g[i]! - w[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(w[i]!)));
      }
    }
  });

  it('leaks nothing over 20 tidied gradient steps', () => {
    expect(leak).toHaveLength(1);
  });

  it('says what it needs on a backend without the kernels', () => {
    expect(String(cpuError)).toMatch(
      /fused BatchNorm kernels are not registered for backend 'cpu'.*fusedBatchNormAvailable/,
    );
  });
});

describe('batchNormTraining input checks (wasm)', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
  });
  it.each([
    ['scale', () => batchNormTraining(tf.ones([2, 3]), tf.ones([4]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, EPS)],
    [
      'offset',
      () => batchNormTraining(tf.ones([2, 3]), tf.ones([3]) as tf.Tensor1D, tf.zeros([1]) as tf.Tensor1D, EPS),
    ],
    [
      'x',
      () => batchNormTraining(tf.ones([2, 3], 'int32'), tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, EPS),
    ],
    [
      'epsilon',
      () => batchNormTraining(tf.ones([2, 3]), tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, -1),
    ],
  ])("rejects a bad '%s'", (name, f) => {
    expect(f).toThrow(new RegExp(`'${name}'`));
  });
});
