import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../backend/native-addon.ts';
import { setupBackend } from '../../backend/setup-backend.node.ts';
import { lcg as rand } from '../../testing/test-utils.ts';

// NaN / +-Inf / large values through the Winograd F(2x2, 3x3) path of the native conv kernels (forced for every 3x3
// stride-1 conv with EDL_NATIVE_CONV_ALGORITHM=winograd: forward with every fused activation, and the input
// gradient), against tfjs' cpu backend. F(2x2, 3x3)'s transforms only combine input rows / columns inside each
// output's 3x3 window, so the documented contract (README) is:
//   - NaN / +-Inf reach exactly the outputs they reach on the cpu backend;
//   - where the cpu backend's sum is +-Inf, Winograd may give NaN (Inf - Inf between transformed terms), also
//     after an activation that clips the Inf (relu(-Inf) = 0 on the cpu backend);
//   - finite inputs (magnitudes up to 1e30 here) never give NaN or Inf.
// A NaN in the filter makes its whole output channel NaN (as on the cpu backend with 'valid' padding).
// Own process (the addon, its algorithm and the backend are process-wide).
const nan = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

type Shape = [number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Random values with NaN, +Inf and -Inf at the given flat positions. */
function poisoned(shape: Shape, seed: number, at: [number, number][]): Float32Array {
  const v = rand(size(shape), seed);
  for (const [i, value] of at) v[i] = value;
  return v;
}

interface Case {
  name: string;
  run: () => tf.Tensor;
  /** The same conv without its activation (when it has one): where it is +-Inf, Winograd may give NaN. */
  linear?: () => tf.Tensor;
  /** Every output finite (finite inputs). */
  finite?: boolean;
}

const cases: Case[] = [];
const [B, H, W, CIN, COUT] = [2, 7, 9, 33, 36];
const xShape: Shape = [B, H, W, CIN];
// NaN in a corner pixel, +Inf mid-image, -Inf on an edge, all in one batch element or the other
const xPoison: [number, number][] = [
  [0, nan],
  [((0 * H + 3) * W + 4) * CIN + 5, Inf],
  [((1 * H + 6) * W + 0) * CIN + 32, -Inf],
  [((1 * H + 2) * W + 8) * CIN + 2, nan],
];
const xBad = poisoned(xShape, 1, xPoison);
const filter = () => tf.tensor4d(rand(9 * CIN * COUT, 2), [3, 3, CIN, COUT]);
for (const pad of ['same', 'valid'] as const) {
  const conv = (activation: 'linear' | 'relu' | 'relu6' | 'leakyrelu') => () =>
    tf.fused.conv2d({
      x: tf.tensor4d(xBad, xShape),
      filter: filter(),
      strides: 1,
      pad,
      bias: tf.tensor1d(rand(COUT, 3)),
      activation,
      leakyreluAlpha: 0.1,
    });
  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu'] as const)
    cases.push({
      name: `forward ${pad} + bias + ${activation}: NaN / Inf in x`,
      run: conv(activation),
      linear: conv('linear'),
    });
}
{
  // input gradient: dx = conv(dy, flipped filter) with padding 2 - 1 = 1 over dy [B, H, W, COUT]
  const dyShape: Shape = [B, H, W, COUT];
  const dyBad = poisoned(dyShape, 4, [
    [7, nan],
    [((1 * H + 4) * W + 4) * COUT + 35, Inf],
  ]);
  const run = () =>
    tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, filter(), 1, 'same').mul(tf.tensor4d(dyBad, dyShape)))(
      tf.tensor4d(rand(size(xShape), 5), xShape),
    );
  cases.push({ name: 'input gradient (same): NaN / Inf in dy', run, linear: run });
}
cases.push({
  name: 'forward valid: NaN in the filter (its output channel all NaN)',
  run: () => {
    const w = rand(9 * CIN * COUT, 6);
    w[(4 * CIN + 3) * COUT + 7] = nan;
    return tf.conv2d(tf.tensor4d(rand(size(xShape), 7), xShape), tf.tensor4d(w, [3, 3, CIN, COUT]), 1, 'valid');
  },
});
const big = (shape: Shape, seed: number) => rand(size(shape), seed).map((v, i) => v * 10 ** (i % 31));
cases.push({
  name: 'forward: finite x up to 1e30 gives finite outputs',
  finite: true,
  run: () => tf.conv2d(tf.tensor4d(big(xShape, 8), xShape), filter(), 1, 'same'),
});
cases.push({
  name: 'input gradient: finite dy up to 1e30 gives finite outputs',
  finite: true,
  run: () =>
    tf.grad((x: tf.Tensor) =>
      tf.conv2d(x as tf.Tensor4D, filter(), 1, 'same').mul(tf.tensor4d(big([B, H, W, COUT], 9), [B, H, W, COUT])),
    )(tf.tensor4d(rand(size(xShape), 10), xShape)),
});

describe('NaN / Inf / large values through the native Winograd path, against the cpu backend', () => {
  const got = new Map<string, Float32Array>();
  beforeAll(async () => {
    process.env.EDL_NATIVE_CONV_ALGORITHM = 'winograd';
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    expect((await loadNativeAddon()).addon?.info().convAlgorithm).toBe('winograd');
    for (const c of cases)
      got.set(
        c.name,
        tf.tidy(() => c.run().dataSync() as Float32Array),
      );
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const want = tf.tidy(() => c.run().dataSync() as Float32Array);
    const linear = c.linear ? tf.tidy(() => c.linear!().dataSync() as Float32Array) : want;
    const g = got.get(c.name)!;
    expect(g.length).toBe(want.length);
    const scale = Math.max(1, ...Array.from(want).filter(Number.isFinite).map(Math.abs));
    let special = 0;
    want.forEach((v, i) => {
      const o = g[i]!;
      if (!Number.isFinite(v)) special++;
      if (Number.isNaN(o) && !Number.isFinite(linear[i]!) && !Number.isNaN(linear[i]!)) return; // Inf -> NaN
      if (!Number.isFinite(v))
        expect(o, `element ${i}`).toBe(v); // NaN matches NaN (Object.is), Inf matches Inf
      else expect(Math.abs(o - v) / scale, `element ${i}: ${o} vs ${v}`).toBeLessThan(1e-5);
    });
    if (c.finite) expect(special).toBe(0);
    else expect(special).toBeGreaterThan(0); // non-finite values reach the output: the case is not vacuous
  });
});
