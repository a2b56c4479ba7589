import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { describeBackends, expectCloseTo, onCpu, testBackends } from '../testing/backend-matrix.ts';
import { lcg } from '../testing/test-utils.ts';
import { convOperator } from './conv-operator.ts';
import { fusedElasticResidual, fusedRistaAvailable, fusedShrinkStep } from './fused-rista.ts';
import { estimateLipschitz, lipschitzOnDevice } from './power-iteration.ts';
import { nonNegativeSoftThreshold } from './shrinkage.ts';

// conv2d / conv2dTranspose (values and gradients) and the two RISTA building blocks, on every backend available,
// against the cpu backend. Tiny tensors: on a software WebGPU adapter every new shader compiles in 1-3 s.

const backends = await testBackends();

const X = [2, 8, 8, 3];
const W = [3, 3, 3, 4];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const x = lcg(size(X), 1);
const w = lcg(size(W), 2);

/** Values, and gradients w.r.t. both inputs of `sum(op(a, b) * r)` for a fixed random `r`. */
async function valueAndGrads(op: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) {
  const ta = tf.tensor4d(x, X as [number, number, number, number]);
  const tb = tf.tensor4d(w, W as [number, number, number, number]);
  const y = op(ta, tb);
  const r = tf.tensor(lcg(y.size, 3), y.shape);
  const grads = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(op(p as tf.Tensor4D, q as tf.Tensor4D), r)));
  const [da, db] = grads([ta, tb]);
  const out = { y: await y.data(), da: await da!.data(), db: await db!.data() };
  tf.dispose([ta, tb, y, r, da!, db!]);
  return out;
}

describeBackends(backends, 'conv kernels against cpu', (backend) => {
  for (const stride of [1, 2]) {
    it(`conv2d, stride ${stride} 'same': values and gradients w.r.t. x and the filter`, async () => {
      const op = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, stride, 'same');
      const got = await valueAndGrads(op);
      const ref = await onCpu(() => valueAndGrads(op));
      expectCloseTo(got.y, ref.y, backend.rtol, 'y');
      expectCloseTo(got.da, ref.da, backend.rtol, 'dx');
      expectCloseTo(got.db, ref.db, backend.rtol, 'dW');
    });

    it(`conv2dTranspose (the adjoint), stride ${stride}: values and gradients w.r.t. z and the filter`, async () => {
      // z has the conv2d output shape; conv2dTranspose maps it back to X
      const op = (a: tf.Tensor4D, b: tf.Tensor4D) =>
        tf.conv2dTranspose(tf.conv2d(a, b, stride, 'same'), b, X as [number, number, number, number], stride, 'same');
      const got = await valueAndGrads(op);
      const ref = await onCpu(() => valueAndGrads(op));
      expectCloseTo(got.y, ref.y, backend.rtol, 'A*(A x)');
      expectCloseTo(got.da, ref.da, backend.rtol, 'dx');
      expectCloseTo(got.db, ref.db, backend.rtol, 'dW');
    });
  }

  it('the RISTA shrink step and elastic residual (fused where registered): values and gradients', async () => {
    const shape = [2, 4, 4, 3];
    const n = size(shape);
    const run = async () => {
      const z = tf.tensor(lcg(n, 4), shape);
      const v = tf.tensor(lcg(n, 5), shape);
      const u = tf.tensor(lcg(n, 6), shape);
      const beta = tf.scalar(0.3);
      const fused = fusedRistaAvailable();
      const f = (zz: tf.Tensor, vv: tf.Tensor, uu: tf.Tensor, b: tf.Tensor) => {
        const res = fused
          ? fusedElasticResidual(zz, uu, b as tf.Scalar, 1e-2)
          : tf.mul(tf.add(b, tf.mul(tf.sub(1, b), tf.div(0.5, tf.add(tf.abs(tf.sub(zz, uu)), 1e-2)))), tf.sub(zz, uu));
        const step = fused
          ? fusedShrinkStep(zz, tf.add(vv, res), 0.2, 0.01, true)
          : nonNegativeSoftThreshold(tf.add(zz, tf.mul(0.2, tf.add(vv, res))), 0.01);
        return tf.sum(tf.mul(step, tf.add(step, 1)));
      };
      const { value, grads } = tf.valueAndGrads(f)([z, v, u, beta]);
      const out = {
        fused,
        value: await value.data(),
        grads: await Promise.all(grads.map((g) => g.data())),
      };
      tf.dispose([z, v, u, beta, value, ...grads]);
      return out;
    };
    const got = await run();
    const ref = await onCpu(run);
    expect(ref.fused).toBe(false); // the reference is the composite ops
    expect(got.fused).toBe(backend.name === 'wasm+native' || backend.name === 'webgpu'); // webgpu: our WGSL kernels
    expectCloseTo(got.value, ref.value, backend.rtol, 'value');
    for (const [i, name] of ['dz', 'dv', 'du', 'dbeta'].entries()) {
      expectCloseTo(got.grads[i]!, ref.grads[i]!, backend.rtol, name);
    }
  });

  it('estimateLipschitz (async reads) and lipschitzOnDevice (no reads) match cpu', async () => {
    const run = async () => {
      const f = tf.tensor4d(w, W as [number, number, number, number]);
      const op = convOperator(f, [1, 6, 6, 3], { strides: 2 });
      const est = await estimateLipschitz(op, { seed: 3, iterations: 30, tolerance: 0 });
      const dev = lipschitzOnDevice(op, { seed: 3, iterations: 30 });
      const out = { value: est.value, device: (await dev.value.data())[0]! };
      tf.dispose([f, est.vector, dev.value, dev.vector]);
      return out;
    };
    const got = await run();
    const ref = await onCpu(run);
    expectCloseTo([got.value, got.device], [ref.value, ref.value], backend.rtol, 'L');
  });

  it('leaks no tensor over a tidy loop of conv forward + gradient', async () => {
    const a = tf.tensor4d(x, X as [number, number, number, number]);
    const b = tf.tensor4d(w, W as [number, number, number, number]);
    const step = () => tf.tidy(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(a, f as tf.Tensor4D, 2, 'same')))(b));
    const first = step();
    await first.data();
    first.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step().dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
