import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../backend/native-addon.ts';
import { setupBackend } from '../backend/setup-backend.node.ts';
import { FUSED_BATCH_NORM_KERNELS } from '../kernels/native/native-batch-norm-kernels.ts';
import { FUSED_RISTA_KERNELS } from '../kernels/native/native-rista-kernels.ts';
import { NATIVE_KERNELS } from '../kernels/native/register-native-kernels.ts';
import { RELU_GRAD_KERNEL } from '../kernels/native/relu-gradient.ts';
import { convOperator } from '../operators/conv-operator.ts';
import { elasticWeights } from '../operators/elastic-weights.ts';
import { SGD_STEP_KERNEL } from '../operators/sgd-step.ts';
import { nonNegativeSoftThreshold } from '../operators/shrinkage.ts';
import { lcg as rand, relErr } from './test-utils.ts';

// Shared by wasm-conv-kernels.test.ts (XNNPACK-based kernels) and native-conv-kernels.test.ts (the native addon).
// The wasm backend is process-wide: each of those files runs in its own process (vitest pool 'forks').

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  h: number;
  w: number;
  k: number;
  stride: number;
  pad: Pad;
  cin?: number;
  cout?: number;
  dilation?: number;
  /** Batch size (default 2). */
  batch?: number;
  /** Scale of the input values (default 1). */
  scale?: number;
}

const explicit = (t: number, b: number, l: number, r: number): Pad => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

const cases: Case[] = [];
for (const stride of [1, 2]) {
  for (const k of [1, 3, 5]) {
    for (const [h, w] of [
      [8, 8],
      [7, 9],
    ] as const) {
      for (const pad of ['same', 'valid', explicit(1, 1, 1, 1), explicit(2, 0, 0, 1)] as Pad[]) {
        if (pad === 'valid' && (h < k || w < k)) continue;
        cases.push({ h, w, k, stride, pad });
      }
    }
  }
}
// padding wider than the kernel (exercises the dy-skip path of the sub-pixel plan)
cases.push({ h: 6, w: 6, k: 1, stride: 2, pad: explicit(3, 2, 3, 1) });
cases.push({ h: 6, w: 7, k: 3, stride: 3, pad: explicit(1, 2, 0, 1) });

// channel counts that exercise register-tile remainders, several column panels, scalar tails and reduction blocks
cases.push({ h: 7, w: 6, k: 3, stride: 1, pad: 'same', cin: 16, cout: 33 });
cases.push({ h: 7, w: 6, k: 3, stride: 2, pad: 'same', cin: 70, cout: 17 });
cases.push({ h: 6, w: 5, k: 3, stride: 1, pad: explicit(1, 1, 1, 1), cin: 300, cout: 20 });
cases.push({ h: 6, w: 6, k: 3, stride: 2, pad: 'valid', cin: 20, cout: 150 });
// 3x3 stride 1 (Winograd F(2x2, 3x3) in the native suites that force it): odd output sizes (partial tiles), channel
// counts off the vector width, paddings 0 / 1 / 2 / 3, batch 1, one-pixel images, several column panels, large values
cases.push({ h: 7, w: 9, k: 3, stride: 1, pad: 'same', cin: 33, cout: 36 });
cases.push({ h: 9, w: 9, k: 3, stride: 1, pad: 'valid', cin: 32, cout: 40, batch: 1 });
cases.push({ h: 11, w: 7, k: 3, stride: 1, pad: explicit(2, 0, 0, 1), cin: 35, cout: 33 });
cases.push({ h: 9, w: 8, k: 3, stride: 1, pad: explicit(0, 2, 2, 2), cin: 34, cout: 65, batch: 1 });
cases.push({ h: 8, w: 9, k: 3, stride: 1, pad: explicit(3, 1, 2, 3), cin: 40, cout: 48 });
cases.push({ h: 1, w: 1, k: 3, stride: 1, pad: 'same', cin: 32, cout: 40, batch: 16 });
cases.push({ h: 8, w: 8, k: 3, stride: 1, pad: 'same', cin: 64, cout: 70, scale: 1e4 });
// dilation: not covered natively, runs on the kernel the native one replaced
cases.push({ h: 9, w: 9, k: 3, stride: 1, pad: 'same', dilation: 2 });

interface Results {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  tr: Float32Array;
  dz: Float32Array;
  dwT: Float32Array;
}

/** conv2d forward, its dx and dW against an upstream G, conv2dTranspose forward and its dz, dW. */
function compute(c: Case): Results {
  return tf.tidy(() => {
    const [cin, cout, dil, B] = [c.cin ?? 3, c.cout ?? 4, c.dilation ?? 1, c.batch ?? 2];
    const xShape: [number, number, number, number] = [B, c.h, c.w, cin];
    const x = tf.tensor4d(
      rand(B * c.h * c.w * cin, 1).map((v) => v * (c.scale ?? 1)),
      xShape,
    );
    const W = tf.tensor4d(rand(c.k * c.k * cin * cout, 2), [c.k, c.k, cin, cout]);
    const y = tf.conv2d(x, W, c.stride, c.pad, 'NHWC', dil);
    if (dil !== 1) {
      // tfjs has no gradient for dilated convs: forward only
      const none = new Float32Array(0);
      return { y: y.dataSync() as Float32Array, dx: none, dw: none, tr: none, dz: none, dwT: none };
    }
    const G = tf.tensor4d(rand(y.size, 3), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad, 'NHWC', dil), G)),
    )([x, W]);

    const z = tf.tensor4d(rand(y.size, 4), y.shape);
    const tr = tf.conv2dTranspose(z, W, xShape, c.stride, c.pad);
    const H = tf.tensor4d(rand(tr.size, 5), xShape);
    const [dz, dwT] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, xShape, c.stride, c.pad), H)),
    )([z, W]);
    return {
      y: y.dataSync() as Float32Array,
      dx: dx!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
      tr: tr.dataSync() as Float32Array,
      dz: dz!.dataSync() as Float32Array,
      dwT: dwT!.dataSync() as Float32Array,
    };
  });
}

/** Runs 50 conv2d / conv2dTranspose gradient steps (strides 1 and 2) in tf.tidy; distinct counts seen after each. */
function leakCheck(): { tensors: number[]; dataIds: number[] } {
  const x = tf.tensor4d(rand(2 * 9 * 8 * 3, 7), [2, 9, 8, 3]);
  const W = tf.tensor4d(rand(3 * 3 * 3 * 4, 8), [3, 3, 3, 4]);
  const step = (s: number) =>
    tf.tidy(() => {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same');
        return tf.sum(tf.square(tf.conv2dTranspose(y, b as tf.Tensor4D, [2, 9, 8, 3], s, 'same')));
      })([x, W]);
      return tf.add(tf.sum(dx!), tf.sum(dw!));
    });
  step(1).dispose();
  step(2).dispose();
  const tensors = new Set<number>();
  const dataIds = new Set<number>();
  for (let i = 0; i < 50; i++) {
    step(1 + (i % 2)).dispose();
    tensors.add(tf.memory().numTensors);
    dataIds.add(tf.engine().backend.numDataIds());
  }
  tf.dispose([x, W]);
  return { tensors: [...tensors], dataIds: [...dataIds] };
}

/** Gradients (x, W) of sum(z * G) for the T=3 elastic unrolled layer (beta 0.5), stride 1 and 2, symmetric pad. */
function layerGrads(stride: number): Float32Array[] {
  return tf.tidy(() => {
    const xShape = [2, 9, 8, 3];
    const x = tf.tensor4d(rand(2 * 9 * 8 * 3, 21), xShape as [number, number, number, number]);
    const W = tf.tensor4d(rand(3 * 3 * 3 * 4, 22), [3, 3, 3, 4]);
    const probe = convOperator(W, xShape, { strides: stride });
    const G = tf.tensor4d(
      rand(
        probe.outputShape.reduce((a, b) => a * b, 1),
        23,
      ),
      probe.outputShape,
    );
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const op = convOperator(b as tf.Tensor4D, xShape, { strides: stride });
      let z: tf.Tensor4D = nonNegativeSoftThreshold(tf.mul(0.5, op.forward(a as tf.Tensor4D)), 0.01);
      for (let k = 1; k < 3; k++) {
        const r = tf.sub(a, op.adjoint(z));
        const mixed = tf.mul(tf.add(0.5, tf.mul(0.5, elasticWeights(r, 0.05))), r) as tf.Tensor4D;
        z = nonNegativeSoftThreshold(tf.add(z, tf.mul(0.5, op.forward(mixed))) as tf.Tensor4D, 0.01);
      }
      return tf.sum(tf.mul(z, G));
    })([x, W]);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

/**
 * Fused conv (bias + activation) outputs for the activations the native kernel fuses and one it hands back; stride 2
 * with 5 -> 19 channels, or stride 1 with 33 -> 35 (Winograd where forced).
 */
function fused(winograd = false): Float32Array[] {
  return tf.tidy(() => {
    const [cin, cout] = winograd ? [33, 35] : [5, 19];
    const x = tf.tensor4d(rand(2 * 7 * 6 * cin, 31), [2, 7, 6, cin]);
    const W = tf.tensor4d(rand(3 * 3 * cin * cout, 32), [3, 3, cin, cout]);
    const bias = tf.tensor1d(rand(cout, 33));
    return (['linear', 'relu', 'relu6', 'leakyrelu', 'elu'] as const).map(
      (activation) =>
        tf.fused
          .conv2d({
            x: tf.mul(x, 4) as tf.Tensor4D,
            filter: W,
            strides: winograd ? 1 : 2,
            pad: 'same',
            bias,
            activation,
            leakyreluAlpha: 0.3,
          })
          .dataSync() as Float32Array,
    );
  });
}

/**
 * Defines the suite: every conv kernel on wasm (forward, both gradients, transpose and its gradients, fused
 * forward, the T=3 layer) equals the cpu backend, and nothing leaks. `native: 'require'` runs it on the native
 * addon (and fails when the addon is not built); `'off'` on the XNNPACK-based wasm kernels. `isa` caps the addon's
 * instruction set; `algorithm: 'winograd'` makes it compute every 3x3 stride-1 conv by Winograd (its rule would keep
 * these small convs direct).
 */
export function defineConvKernelEquivalenceSuite(
  native: 'require' | 'off',
  isa?: 'avx2' | 'baseline',
  algorithm?: 'winograd',
): void {
  const variant = [isa, algorithm].filter(Boolean).join(', ');
  describe(`${native === 'off' ? 'wasm (XNNPACK)' : `native${variant ? ` (${variant})` : ''}`} conv kernels of @edl/ops (2 threads) against the cpu backend`, () => {
    const label = (c: Case) =>
      `${c.h}x${c.w} k${c.k} s${c.stride} pad ${JSON.stringify(c.pad)}` +
      (c.cin ? ` ${c.cin}->${c.cout} channels` : '') +
      (c.batch ? ` batch ${c.batch}` : '') +
      (c.scale ? ` values x${c.scale}` : '');
    const wasmResults = new Map<string, Results>();
    let leak: { tensors: number[]; dataIds: number[] };
    let layerWasm: Float32Array[][] = [];
    let fusedWasm: Float32Array[] = [];
    let fusedWinogradWasm: Float32Array[] = [];

    beforeAll(async () => {
      // read by the addon when it loads (in setupBackend): caps the instruction set to test the narrower paths
      if (isa) process.env.EDL_NATIVE_ISA = isa;
      if (algorithm) process.env.EDL_NATIVE_CONV_ALGORITHM = algorithm;
      const info = await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native });
      if (isa) expect(info.native?.isa).toBe(isa === 'avx2' ? 'avx2-fma' : 'baseline-simd128');
      if (native === 'require') {
        const loaded = await loadNativeAddon();
        expect(loaded.addon?.info().convAlgorithm).toBe(algorithm ?? 'auto');
      }
      expect(info.backend).toBe('wasm');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      expect(wasm.getThreadsCount()).toBe(2);
      expect(info.threads).toBe(2);
      const base = ['Cast', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity'];
      const all =
        native === 'off'
          ? base
          : [
              ...new Set([
                ...base,
                ...NATIVE_KERNELS,
                ...FUSED_RISTA_KERNELS,
                ...FUSED_BATCH_NORM_KERNELS,
                RELU_GRAD_KERNEL,
                SGD_STEP_KERNEL,
              ]),
            ];
      expect(info.kernels.sort()).toEqual(all.sort());
      if (native === 'require') expect(info.native?.threads).toBe(2);
      else expect(info.native).toBeNull();
      leak = leakCheck();
      layerWasm = [layerGrads(1), layerGrads(2)];
      fusedWasm = fused();
      fusedWinogradWasm = fused(true);
      for (const c of cases) wasmResults.set(label(c), compute(c));
      await tf.setBackend('cpu');
    });

    it('zero-copy Identity / Cast keep values, survive disposal of the source, and int casts still convert', async () => {
      await tf.setBackend('wasm');
      const a = tf.tensor1d([1.5, -2.25, 3]);
      const b = tf.clone(a);
      const c = tf.cast(a, 'float32');
      const d = tf.cast(a, 'int32');
      const dataIds = tf.engine().backend.numDataIds();
      a.dispose();
      expect(Array.from(b.dataSync())).toEqual([1.5, -2.25, 3]);
      expect(Array.from(c.dataSync())).toEqual([1.5, -2.25, 3]);
      expect(d.dtype).toBe('int32');
      expect(Array.from(d.dataSync())).toEqual([1, -2, 3]);
      tf.dispose([b, c, d]);
      expect(tf.engine().backend.numDataIds()).toBe(dataIds - 2);
      await tf.setBackend('cpu');
    });

    it('the T=3 elastic layer gradients (x and W, strides 1 and 2) match the cpu backend', () => {
      for (const [i, stride] of [1, 2].entries()) {
        const want = layerGrads(stride);
        for (let j = 0; j < 2; j++) {
          expect(Math.max(...want[j]!.map(Math.abs))).toBeGreaterThan(1e-3); // not vacuous
          expect(relErr(layerWasm[i]![j]!, want[j]!)).toBeLessThan(1e-4);
        }
      }
    });

    it('fused conv2d with bias and linear / relu / relu6 / leakyrelu / elu matches the cpu backend', () => {
      const want = fused();
      for (const [i, w] of want.entries()) expect(relErr(fusedWasm[i]!, w)).toBeLessThan(1e-5);
      expect(Math.min(...want[1]!)).toBe(0); // relu clipped something: the case is not vacuous
    });

    it('fused conv2d stride 1, 33 -> 35 channels, bias and every activation, matches the cpu backend', () => {
      const want = fused(true);
      for (const [i, w] of want.entries()) expect(relErr(fusedWinogradWasm[i]!, w)).toBeLessThan(1e-5);
      expect(Math.min(...want[1]!)).toBe(0);
      expect(Math.max(...want[2]!)).toBe(6); // relu6 clipped at 6 too
    });

    it('the kernels leak neither tensors nor backend buffers over 50 gradient steps', () => {
      expect(leak.tensors).toEqual([leak.tensors[0]]);
      expect(leak.dataIds).toEqual([leak.dataIds[0]]);
    });

    it.each(cases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
      const got = wasmResults.get(label(c))!;
      const want = compute(c);
      for (const key of ['y', 'dx', 'dw', 'tr', 'dz', 'dwT'] as const) {
        expect(got[key].length, key).toBe(want[key].length);
        expect(relErr(got[key], want[key]), key).toBeLessThan(1e-5);
      }
    });
  });
}
