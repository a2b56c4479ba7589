import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../backend/setup-backend.node.ts';
import { elasticWeights } from '../../operators/elastic-weights.ts';
import { fusedElasticResidual, fusedShrinkStep } from '../../operators/fused-rista.ts';
import { nonNegativeSoftThreshold, softThreshold } from '../../operators/shrinkage.ts';
import { lcg as rand } from '../../testing/test-utils.ts';

// NaN and +-Inf through every native kernel (wasm backend + addon) against tfjs' cpu backend, which is the reference:
// the fused RISTA kernels against the composite ops they replace, the conv kernels (forward with each fused
// activation, both gradients), Sign, ClipByValue, BatchNorm, Tile, Sum / Mean and Add / Sub / Mul. Own process.
const nan = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

/** Random values with NaN, +Inf and -Inf at a few fixed places. */
function poisoned(n: number, seed: number): Float32Array {
  const v = rand(n, seed);
  v[1 % n] = nan;
  if (n > 5) v[5] = Inf;
  if (n > 9) v[9] = -Inf;
  return v;
}

interface Case {
  name: string;
  /** The reference output has no NaN / Inf (sign maps NaN to 0 and +-Inf to +-1). */
  finiteOutput?: boolean;
  /** Runs on the active backend; `fused` says whether the fused RISTA ops may be used (wasm + addon). */
  run: (fused: boolean) => tf.Tensor | tf.Tensor[];
}

const x4 = (seed: number, shape: [number, number, number, number] = [2, 6, 5, 3]) =>
  tf.tensor4d(
    poisoned(
      shape.reduce((a, b) => a * b),
      seed,
    ),
    shape,
  );
const finite4 = (seed: number, shape: [number, number, number, number]) =>
  tf.tensor4d(
    rand(
      shape.reduce((a, b) => a * b),
      seed,
    ),
    shape,
  );

/** T(z + t v) fused (wasm + addon) or composite (the cpu reference). */
function shrink(fused: boolean, z: tf.Tensor, v: tf.Tensor, t: tf.Scalar, thr: tf.Scalar, nonNegative: boolean) {
  if (fused) return fusedShrinkStep(z, v, t, thr, nonNegative);
  const s = tf.add(z, tf.mul(t, v));
  return nonNegative ? nonNegativeSoftThreshold(s, thr) : softThreshold(s, thr);
}

function residual(fused: boolean, x: tf.Tensor, u: tf.Tensor, beta: tf.Scalar, eps: number) {
  if (fused) return fusedElasticResidual(x, u, beta, eps);
  const r = tf.sub(x, u);
  return tf.mul(tf.add(beta, tf.mul(tf.sub(1, beta), elasticWeights(r, eps))), r);
}

const cases: Case[] = [];
for (const nonNegative of [true, false]) {
  const side = nonNegative ? 'one-sided' : 'two-sided';
  cases.push({
    name: `shrink step ${side}: NaN / Inf in z and v`,
    run: (fused) =>
      shrink(
        fused,
        tf.tensor1d(poisoned(64, 1)),
        tf.tensor1d(poisoned(64, 2)),
        tf.scalar(0.5),
        tf.scalar(0.1),
        nonNegative,
      ),
  });
  cases.push({
    name: `shrink step ${side}: NaN threshold`,
    run: (fused) =>
      shrink(fused, tf.tensor1d(rand(16, 3)), tf.tensor1d(rand(16, 4)), tf.scalar(0.5), tf.scalar(nan), nonNegative),
  });
  cases.push({
    name: `shrink step ${side}: NaN step size`,
    run: (fused) =>
      shrink(fused, tf.tensor1d(rand(16, 5)), tf.tensor1d(rand(16, 6)), tf.scalar(nan), tf.scalar(0.1), nonNegative),
  });
  cases.push({
    name: `shrink step ${side} gradients: NaN / Inf in z, v and dy`,
    run: (fused) => {
      const dy = tf.tensor1d(poisoned(64, 7).reverse());
      const z = tf.tensor1d(poisoned(64, 8));
      const v = tf.tensor1d(poisoned(64, 9).reverse());
      const t = tf.scalar(0.5);
      const thr = tf.scalar(0.1);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
        shrink(fused, a, b, c as tf.Scalar, d as tf.Scalar, nonNegative).mul(dy),
      )([z, v, t, thr]);
    },
  });
}
cases.push({
  name: 'elastic residual: NaN / Inf in x and u',
  run: (fused) =>
    residual(fused, tf.tensor1d(poisoned(64, 10)), tf.tensor1d(poisoned(64, 11).reverse()), tf.scalar(0.3), 1e-3),
});
cases.push({
  name: 'elastic residual: NaN beta',
  run: (fused) => residual(fused, tf.tensor1d(rand(16, 12)), tf.tensor1d(rand(16, 13)), tf.scalar(nan), 1e-3),
});
cases.push({
  name: 'elastic residual gradients: NaN in x and dy',
  run: (fused) => {
    const x = tf.tensor1d(rand(32, 14).map((v, i) => (i === 3 ? nan : v)));
    const u = tf.tensor1d(rand(32, 15));
    const dy = tf.tensor1d(rand(32, 16).map((v, i) => (i === 20 ? nan : v)));
    return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => residual(fused, a, b, c as tf.Scalar, 1e-3).mul(dy))([
      x,
      u,
      tf.scalar(0.3),
    ]);
  },
});

// conv: NaN / Inf in the input, NaN in the filter; 'valid' where an Inf filter value meets zero padding (see below)
const w = (seed: number) => tf.tensor4d(rand(3 * 3 * 3 * 4, seed), [3, 3, 3, 4]);
cases.push({ name: 'conv2d same: NaN / Inf in x', run: () => tf.conv2d(x4(20), w(21), 1, 'same') });
cases.push({ name: 'conv2d stride 2: NaN / Inf in x', run: () => tf.conv2d(x4(22), w(23), 2, 'same') });
cases.push({
  name: 'conv2d valid: NaN / Inf in the filter',
  run: () => tf.conv2d(finite4(24, [2, 6, 5, 3]), tf.tensor4d(poisoned(108, 25), [3, 3, 3, 4]), 1, 'valid'),
});
for (const activation of ['relu', 'relu6', 'leakyrelu', 'linear'] as const) {
  cases.push({
    name: `fused conv2d + bias + ${activation}: NaN / Inf in x`,
    run: () =>
      tf.fused.conv2d({
        x: x4(26),
        filter: w(27),
        strides: 1,
        pad: 'same',
        bias: tf.tensor1d(rand(4, 28)),
        activation,
        leakyreluAlpha: 0.1, // the cpu backend has no default (NaN for negatives without one)
      }),
  });
}
cases.push({
  name: 'conv2d gradients (input and filter), stride 1 and 2: NaN / Inf in x and dy',
  run: () =>
    [1, 2].flatMap((stride) => {
      const x = x4(29);
      const out = tf.conv2d(x, w(30), stride, 'same').shape as [number, number, number, number];
      const dy = tf.tensor4d(
        poisoned(
          out.reduce((a, b) => a * b),
          31,
        ).reverse(),
        out,
      );
      return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same').mul(dy),
      )([x, w(30)]);
    }),
});

// elementwise and reductions
cases.push({ name: 'sign: NaN, Inf, -Inf', finiteOutput: true, run: () => tf.sign(tf.tensor1d(poisoned(12, 40))) });
cases.push({
  name: 'clipByValue: NaN, Inf, -Inf',
  run: () => tf.clipByValue(tf.tensor1d(poisoned(12, 41)), -0.2, 0.3),
});
cases.push({
  name: 'batchNorm: NaN / Inf in x, NaN in a mean, zero variance',
  run: () =>
    tf.batchNorm(
      x4(42),
      tf.tensor1d([0.1, nan, -0.2]),
      tf.tensor1d([0, 0.5, 1]),
      tf.tensor1d([0.1, 0.2, 0.3]),
      tf.tensor1d([1, 2, 0.5]),
      0,
    ),
});
cases.push({ name: 'relu: NaN, Inf, -Inf', run: () => tf.relu(tf.tensor1d(poisoned(12, 51))) });
cases.push({
  name: 'step (alpha 0 and 0.3): NaN, Inf, -Inf',
  run: () => [tf.step(tf.tensor1d(poisoned(12, 52))), tf.step(tf.tensor1d(poisoned(12, 53)), 0.3)],
});
cases.push({ name: 'tile: NaN, Inf', run: () => tf.tile(tf.tensor2d(poisoned(12, 43), [3, 4]), [2, 3]) });
cases.push({ name: 'sum over leading axes: NaN and Inf + -Inf', run: () => tf.sum(x4(44), [0, 1, 2]) });
cases.push({
  name: 'sum flat: Inf only',
  run: () => tf.sum(tf.tensor1d(rand(300, 45).map((v, i) => (i === 7 ? Inf : v)))),
});
cases.push({ name: 'mean over leading axes: NaN / Inf', run: () => tf.mean(x4(46), [0, 1]) });
for (const [name, fn] of [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
] as const) {
  cases.push({
    name: `${name}: NaN / Inf, same shape and per-channel broadcast`,
    run: () => [fn(x4(47), x4(48)), fn(x4(49), tf.tensor1d([Inf, nan, 0])), fn(tf.scalar(-Inf), x4(50))],
  });
}

type Values = { shape: number[]; values: number[] }[];
const values = (r: tf.Tensor | tf.Tensor[]): Values =>
  (Array.isArray(r) ? r : [r]).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));

describe('NaN / Inf through the native kernels, against the cpu backend', () => {
  const got = new Map<string, Values>();
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    for (const c of cases)
      got.set(
        c.name,
        tf.tidy(() => values(c.run(true))),
      );
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const want = tf.tidy(() => values(c.run(false)));
    const g = got.get(c.name)!;
    expect(g.length).toBe(want.length);
    let special = 0;
    want.forEach((wt, k) => {
      expect(g[k]!.shape).toEqual(wt.shape);
      const scale = Math.max(1, ...wt.values.filter(Number.isFinite).map(Math.abs));
      wt.values.forEach((v, i) => {
        const o = g[k]!.values[i]!;
        if (!Number.isFinite(v)) {
          special++;
          expect(o, `output ${k} element ${i}`).toBe(v); // NaN matches NaN (Object.is), Inf matches Inf
        } else expect(Math.abs(o - v) / scale, `output ${k} element ${i}: ${o} vs ${v}`).toBeLessThan(1e-5);
      });
    });
    // every case makes NaN or Inf reach the output, except sign (NaN -> 0 on the cpu backend)
    expect(special > 0).toBe(!c.finiteOutput);
  });
});
