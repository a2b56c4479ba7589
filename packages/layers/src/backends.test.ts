import { describeBackends, expectCloseTo, lcg, onCpu, testBackends } from '@edl/ops/testing';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { DictConv2D } from './layer/dict-conv2d.ts';
import { readBetas } from './layer/get-betas.ts';
import { rista } from './rista/rista.ts';

// rista and DictConv2D, values and gradients, on every backend available (cpu, wasm, wasm + native, webgpu with
// EDL_TEST_WEBGPU=1), against the cpu backend, with the same assertions. Step sizes 'auto' included: the power
// iteration runs on the device. Tiny tensors: a software WebGPU adapter compiles each new shader in 1-3 s.

const backends = await testBackends();
const X: [number, number, number, number] = [2, 8, 8, 3];
const F: [number, number, number, number] = [3, 3, 3, 4];
const x = lcg(2 * 8 * 8 * 3, 11);
const f = Float32Array.from(lcg(3 * 3 * 3 * 4, 12), (v) => v * 0.8);

/** Codes, the step size, and the gradients of `sum(z * r)` w.r.t. x, the filter and beta. */
async function ristaRun(options: { strides: number; recompute: boolean; stepSize: number | 'auto' }) {
  const tx = tf.tensor4d(x, X);
  const tw = tf.tensor4d(f, F);
  const beta = tf.scalar(0.4);
  const common = { steps: 3, lambda: 0.05, eps: 1e-2, strides: options.strides, stepSize: options.stepSize } as const;
  const trace = rista(tx, tw, { ...common, beta, trace: true });
  const r = tf.tensor(lcg(trace.output.size, 13), trace.output.shape);
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.sum(
      tf.mul(
        rista(a as tf.Tensor4D, b as tf.Tensor4D, { ...common, beta: c as tf.Scalar, recompute: options.recompute }),
        r,
      ),
    );
  const grads = tf.grads(loss)([tx, tw, beta]);
  const t = trace.stepSize;
  const out = {
    z: await trace.output.data(),
    objectives: await trace.objectives.data(),
    t: typeof t === 'number' ? t : (await t.data())[0]!,
    grads: await Promise.all(grads.map((g) => g.data())),
  };
  tf.dispose([tx, tw, beta, r, trace.objectives, ...trace.codes, ...grads]);
  if (typeof t !== 'number') t.dispose();
  return out;
}

/** An elastic DictConv2D with fixed weights and t 'auto' refreshed on the device; output and weight gradients. */
async function layerRun() {
  const layer = new DictConv2D({
    filters: 4,
    kernelSize: 3,
    strides: 2,
    kind: 'elastic',
    steps: 3,
    beta: 0.4,
    trainLambda: true,
    kernelInitializer: tf.initializers.zeros() as never, // deterministic: the zero kernel keeps the seeded start
  });
  const input = tf.tensor4d(x, X);
  layer.apply(input); // build
  const [, beta, lambda, t] = layer.getWeights();
  layer.setWeights([tf.tensor4d(f, F), beta!, lambda!, t!]);
  layer.refreshStepSize(X);
  const out = layer.apply(input) as tf.Tensor;
  const r = tf.tensor(lcg(out.size, 14), out.shape);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)), vars);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a) as tf.Tensor, r)))(input);
  const result = {
    out: await out.data(),
    value: await value.data(),
    t: (await layer.getWeights()[3]!.data())[0]!,
    names: vars.map((v) => v.name.split('/').pop()),
    grads: await Promise.all(vars.map((v) => grads[v.name]!.data())),
    dx: await dx.data(),
    beta: (await readBetas([layer]))[0]!.beta,
  };
  tf.dispose([input, out, r, value, dx, ...Object.values(grads)]);
  layer.dispose();
  return result;
}

describeBackends(backends, 'rista and DictConv2D against cpu', (backend) => {
  for (const options of [
    { strides: 2, recompute: false, stepSize: 'auto' as const },
    { strides: 1, recompute: true, stepSize: 0.2 },
  ]) {
    it(`rista T=3 elastic, stride ${options.strides}, stepSize ${options.stepSize}${options.recompute ? ', recompute' : ''}: codes, objectives and gradients (x, filter, beta)`, async () => {
      const got = await ristaRun(options);
      const ref = await onCpu(() => ristaRun(options));
      expectCloseTo([got.t], [ref.t], backend.rtol, 'step size');
      expectCloseTo(got.z, ref.z, backend.rtol, 'codes');
      expect(ref.z.some((v) => v !== 0)).toBe(true);
      expectCloseTo(got.objectives, ref.objectives, backend.rtol, 'objectives');
      for (const [i, name] of ['dx', 'dfilter', 'dbeta'].entries()) {
        expectCloseTo(got.grads[i]!, ref.grads[i]!, backend.rtol, name);
      }
    });
  }

  it("DictConv2D elastic, stride 2, stepSize 'auto': step size, output and gradients (input and every weight)", async () => {
    const got = await layerRun();
    const ref = await onCpu(layerRun);
    expect(got.names).toEqual(['kernel', 'beta', 'lambda']);
    expectCloseTo([got.t], [ref.t], backend.rtol, 'step size');
    expectCloseTo(got.out, ref.out, backend.rtol, 'output');
    expectCloseTo(got.value, ref.value, backend.rtol, 'loss');
    expectCloseTo(got.dx, ref.dx, backend.rtol, 'd input');
    expect(got.beta).toBeCloseTo(0.4, 6); // readBetas: an awaited read of the beta weight
    for (const [i, name] of got.names.entries()) expectCloseTo(got.grads[i]!, ref.grads[i]!, backend.rtol, `d ${name}`);
  });
});
