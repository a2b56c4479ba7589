import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { elasticWeights } from '../../operators/elastic-weights.ts';
import { fusedElasticResidual, fusedRistaAvailable, fusedShrinkStep } from '../../operators/fused-rista.ts';
import { nonNegativeSoftThreshold, softThreshold } from '../../operators/shrinkage.ts';
import { lcg, relErr } from '../../testing/test-utils.ts';
import { readAll, setupWebgpuForTests } from '../../testing/webgpu-test-backend.ts';
import { registerWebgpuKernels, unregisterWebgpuKernels, WEBGPU_KERNELS } from './register-webgpu-kernels.ts';

// Own process (vitest forks per file). Runs on a real or software (SwiftShader) WebGPU adapter only when
// EDL_TEST_WEBGPU=1; every case computes on webgpu first, reads the results back, then recomputes on the cpu backend.
const skip = await setupWebgpuForTests();
const cpu = async <T>(f: () => Promise<T>): Promise<T> => {
  await tf.setBackend('cpu');
  try {
    return await f();
  } finally {
    await tf.setBackend('webgpu');
  }
};

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface ConvCase {
  name: string;
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: Pad;
}
const explicit: tf.backend_util.ExplicitPadding = [
  [0, 0],
  [1, 0],
  [2, 1],
  [0, 0],
];
const convCases: ConvCase[] = [
  { name: 's1 same k3', x: [2, 8, 8, 3], k: 3, co: 4, stride: 1, pad: 'same' },
  { name: 's2 same k3, odd sizes', x: [2, 7, 9, 3], k: 3, co: 5, stride: 2, pad: 'same' },
  { name: 's1 valid k3, odd sizes', x: [2, 7, 9, 3], k: 3, co: 4, stride: 1, pad: 'valid' },
  { name: 's2 valid k1', x: [2, 8, 8, 3], k: 1, co: 8, stride: 2, pad: 'valid' },
  { name: 's2 valid k3, odd sizes', x: [2, 9, 7, 5], k: 3, co: 3, stride: 2, pad: 'valid' },
  { name: 's1 explicit k3', x: [2, 8, 8, 3], k: 3, co: 4, stride: 1, pad: explicit },
  { name: 's2 explicit k3, odd sizes', x: [2, 9, 7, 3], k: 3, co: 4, stride: 2, pad: explicit },
  { name: 's1 same k1, 8 channels', x: [2, 7, 9, 8], k: 1, co: 6, stride: 1, pad: 'same' },
  // batch x Ho x Wo = 512: the filter gradient's reduction is split over 2 workgroups and added up
  { name: 's1 same k3, split reduction', x: [2, 16, 16, 3], k: 3, co: 4, stride: 1, pad: 'same' },
];

/** conv2d value and its gradients w.r.t. x (Conv2DBackpropInput) and the filter (Conv2DBackpropFilter). */
function convGrads(c: ConvCase): tf.Tensor[] {
  const x = tf.tensor4d(
    lcg(
      c.x.reduce((a, b) => a * b),
      1,
    ),
    c.x,
  );
  const w = tf.tensor4d(lcg(c.k * c.k * c.x[3] * c.co, 2), [c.k, c.k, c.x[3], c.co]);
  const y0 = tf.conv2d(x, w, c.stride, c.pad);
  const G = tf.tensor(lcg(y0.size, 3), y0.shape);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), G));
  return [y0, ...tf.grads(f)([x, w])];
}

/** conv2dTranspose (Conv2DBackpropInput as a forward op). */
function transpose(c: ConvCase): tf.Tensor[] {
  const w = tf.tensor4d(lcg(c.k * c.k * c.x[3] * c.co, 4), [c.k, c.k, c.x[3], c.co]);
  const yShape = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, w, c.stride, c.pad).shape;
  const dy = tf.tensor(
    lcg(
      yShape.reduce((a, b) => a * b),
      5,
    ),
    yShape,
  ) as tf.Tensor4D;
  return [tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad)];
}

const shape: [number, number, number, number] = [2, 5, 7, 6];
const n = 2 * 5 * 7 * 6;

/** `t` with a zero gradient (tfjs has no stopGradient op). */
const constant = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

function residualCase(fused: boolean, betaValue: number, betaAsTensor: boolean, detach: boolean): tf.Tensor[] {
  const x = tf.tensor4d(lcg(n, 1), shape);
  const u = tf.tensor4d(lcg(n, 2), shape);
  const G = tf.tensor4d(lcg(n, 3), shape);
  const beta = tf.scalar(betaValue);
  const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
    const be = betaAsTensor ? (c as tf.Scalar) : betaValue;
    const r = tf.sub(a, b);
    const w = detach ? constant(elasticWeights(r, 1e-2)) : elasticWeights(r, 1e-2);
    const g = fused ? fusedElasticResidual(a, b, be, 1e-2, detach) : tf.mul(tf.add(be, tf.mul(tf.sub(1, be), w)), r);
    return tf.sum(tf.mul(g, G));
  };
  const value = f(x, u, beta);
  const grads = betaAsTensor ? tf.grads(f)([x, u, beta]) : tf.grads((a, b) => f(a!, b!, beta))([x, u]);
  return [value, ...grads];
}

function shrinkCase(fused: boolean, nonNegative: boolean, withZ: boolean, s: number[] = shape): tf.Tensor[] {
  const m = s.reduce((a, b) => a * b);
  const z = tf.tensor(lcg(m, 4), s);
  const v = tf.tensor(lcg(m, 5), s);
  const G = tf.tensor(lcg(m, 6), s);
  const t = tf.scalar(0.7);
  const thr = tf.scalar(0.15);
  const f = (a: tf.Tensor, b: tf.Tensor, ts: tf.Tensor, th: tf.Tensor) => {
    const out = fused
      ? fusedShrinkStep(withZ ? a : null, b, ts as tf.Scalar, th as tf.Scalar, nonNegative)
      : (nonNegative ? nonNegativeSoftThreshold : softThreshold)(
          withZ ? tf.add(a, tf.mul(ts, b)) : tf.mul(ts, b),
          th as tf.Scalar,
        );
    return tf.sum(tf.mul(out, G));
  };
  const value = f(z, v, t, thr);
  const grads = withZ ? tf.grads(f)([z, v, t, thr]) : tf.grads((b, ts, th) => f(z, b!, ts!, th!))([v, t, thr]);
  return [value, ...grads];
}

function expectClose(got: Float32Array[], want: Float32Array[], tol: number): void {
  expect(got).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i]!.length, `output ${i} length`).toBe(want[i]!.length);
    expect(relErr(got[i]!, want[i]!), `output ${i}`).toBeLessThan(tol);
    expect(Math.max(...want[i]!.map(Math.abs)), `output ${i} is not vacuous`).toBeGreaterThan(0);
  }
}

describe.skipIf(skip !== null)('@edl/ops webgpu kernels against the cpu backend', () => {
  afterAll(() => {
    tf.disposeVariables();
  });

  it('registerWebgpuKernels installs its kernels over tfjs-backend-webgpu; fusedRistaAvailable() is true there', () => {
    expect(tf.getBackend()).toBe('webgpu');
    expect(tf.env().getBool('WEBGPU_CPU_FORWARD')).toBe(false);
    expect(registerWebgpuKernels()).toEqual([...WEBGPU_KERNELS]);
    expect(fusedRistaAvailable()).toBe(true);
    const ours = tf.getKernel('Conv2DBackpropFilter', 'webgpu')!.kernelFunc;
    expect(unregisterWebgpuKernels()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')!.kernelFunc).not.toBe(ours);
    expect(fusedRistaAvailable()).toBe(false);
    registerWebgpuKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')!.kernelFunc).not.toBe(ours); // a fresh closure
    expect(fusedRistaAvailable()).toBe(true);
  });

  it('the engine runs our kernels: a conv2d gradient and a fused step call each of them', async () => {
    const calls = new Map<string, number>();
    const wrapped = WEBGPU_KERNELS.map((name) => {
      const ours = tf.getKernel(name, 'webgpu')!.kernelFunc;
      tf.unregisterKernel(name, 'webgpu');
      tf.registerKernel({
        kernelName: name,
        backendName: 'webgpu',
        kernelFunc: (a) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return ours(a);
        },
      });
      return [name, ours] as const;
    });
    try {
      await readAll(() => [
        ...convGrads(convCases[0]!),
        ...residualCase(true, 0.3, true, false),
        ...shrinkCase(true, true, true),
      ]);
    } finally {
      for (const [name, ours] of wrapped) {
        tf.unregisterKernel(name, 'webgpu');
        tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: ours });
      }
    }
    for (const name of WEBGPU_KERNELS) expect(calls.get(name), name).toBeGreaterThan(0);
  });

  it.each(convCases)('conv2d gradients (Conv2DBackpropInput / Filter), $name', async (c) => {
    const got = await readAll(() => convGrads(c));
    const want = await cpu(() => readAll(() => convGrads(c)));
    expectClose(got, want, 1e-5);
  });

  it.each(convCases.slice(0, 4))('conv2dTranspose (Conv2DBackpropInput), $name', async (c) => {
    const got = await readAll(() => transpose(c));
    const want = await cpu(() => readAll(() => transpose(c)));
    expectClose(got, want, 1e-5);
  });

  it('NCHW conv gradients go to tfjs-backend-webgpu, said once, and still match the cpu backend', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined };
    const nchw = () => {
      const x = tf.tensor4d(lcg(2 * 3 * 6 * 5, 21), [2, 3, 6, 5]);
      const dy = tf.tensor4d(lcg(2 * 4 * 6 * 5, 22), [2, 4, 6, 5]);
      const w = tf.tensor4d(lcg(3 * 3 * 3 * 4, 23), [3, 3, 3, 4]);
      const run = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
        tf.engine().runKernel(name, inputs, { ...attrs, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [
        run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: [2, 3, 6, 5] }),
        run('Conv2DBackpropFilter', { x, dy }, { filterShape: [3, 3, 3, 4] }),
      ];
    };
    const got = [...(await readAll(nchw)), ...(await readAll(nchw))];
    const want = await cpu(() => readAll(nchw));
    expectClose(got, [...want, ...want], 1e-5);
    const ours = warn.mock.calls.filter((c) => String(c[0]).includes('@edl/ops webgpu'));
    expect(ours.map((c) => String(c[0]).split(' with ')[0])).toEqual([
      '@edl/ops webgpu: Conv2DBackpropInput',
      '@edl/ops webgpu: Conv2DBackpropFilter',
    ]);
  });

  it.each([
    [0.3, true, false],
    [0.3, false, false],
    [0, true, false],
    [1, true, false],
    [0.3, true, true],
  ])('EdlElasticResidual(Grad), beta %s (tensor: %s, detach: %s): value, d x, d u, d beta', async (b, tb, det) => {
    const got = await readAll(() => residualCase(true, b, tb, det));
    const want = await cpu(() => readAll(() => residualCase(false, b, tb, det)));
    expectClose(got, want, 1e-5);
  });

  it.each([
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ])('EdlShrinkStep(Grad), nonNegative %s, with z %s: value, d z, d v, d t, d thr', async (nn, wz) => {
    const got = await readAll(() => shrinkCase(true, nn, wz));
    const want = await cpu(() => readAll(() => shrinkCase(false, nn, wz)));
    expectClose(got, want, 1e-5);
  });

  it('EdlShrinkStepGrad over 5120 elements: the scalar gradients sum 3 workgroups on the device', async () => {
    const s = [2, 8, 8, 40];
    const got = await readAll(() => shrinkCase(true, false, true, s));
    const want = await cpu(() => readAll(() => shrinkCase(false, false, true, s)));
    expectClose(got, want, 1e-5);
  });

  it('a training-style loop over the fused and conv kernels keeps the tensor count flat', async () => {
    const x = tf.tensor4d(lcg(2 * 8 * 8 * 3, 9), [2, 8, 8, 3]);
    const w = tf.tensor4d(lcg(3 * 3 * 3 * 4, 10), [3, 3, 3, 4]);
    const counts = new Set<number>();
    for (let i = 0; i < 5; i++) {
      await readAll(() => {
        const [g] = tf.grads((a: tf.Tensor) => {
          const y = tf.conv2d(a as tf.Tensor4D, w, 2, 'same');
          return tf.sum(fusedShrinkStep(y, fusedElasticResidual(y, tf.mul(y, 0.5), 0.4, 1e-3), 0.5, 0.1, true));
        })([x]);
        return [g!];
      });
      counts.add(tf.memory().numTensors);
    }
    x.dispose();
    w.dispose();
    expect([...counts]).toHaveLength(1);
  });
});

if (skip !== null) {
  describe('@edl/ops webgpu kernels', () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
}
