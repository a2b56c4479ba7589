import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend/setup-backend.node.ts';
import { lcg as rand, relErr } from '../testing/test-utils.ts';
import { elasticWeights } from './elastic-weights.ts';
import { fusedElasticResidual, fusedRistaAvailable, fusedShrinkStep } from './fused-rista.ts';
import { nonNegativeSoftThreshold, softThreshold } from './shrinkage.ts';

// Own process: the wasm backend with the native addon (required: it is built at install).
const shape: [number, number, number, number] = [2, 5, 7, 6];
const n = 2 * 5 * 7 * 6;

/** Values and gradients on the current backend of the fused op, or of the composite ops when `fused` is false. */
function residualCase(fused: boolean, betaValue: number, betaAsTensor: boolean): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(n, 1), shape);
    const u = tf.tensor4d(rand(n, 2), shape);
    const G = tf.tensor4d(rand(n, 3), shape);
    const beta = tf.scalar(betaValue);
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const be = betaAsTensor ? (c as tf.Scalar) : betaValue;
      const g = fused
        ? fusedElasticResidual(a, b, be, 1e-2)
        : tf.mul(tf.add(be, tf.mul(tf.sub(1, be), elasticWeights(tf.sub(a, b), 1e-2))), tf.sub(a, b));
      return tf.sum(tf.mul(g, G));
    };
    const value = f(x, u, beta);
    // differentiate only against the inputs the function uses
    const grads = betaAsTensor ? tf.grads(f)([x, u, beta]) : tf.grads((a, b) => f(a!, b!, beta))([x, u]);
    return [value.dataSync() as Float32Array, ...grads.map((g) => g.dataSync() as Float32Array)];
  });
}

function shrinkCase(fused: boolean, nonNegative: boolean, withZ: boolean): Float32Array[] {
  return tf.tidy(() => {
    const z = tf.tensor4d(rand(n, 4), shape);
    const v = tf.tensor4d(rand(n, 5), shape);
    const G = tf.tensor4d(rand(n, 6), shape);
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
    return [value.dataSync() as Float32Array, ...grads.map((g) => g.dataSync() as Float32Array)];
  });
}

describe('fused RISTA kernels (wasm + native addon) against the composite ops on the cpu backend', () => {
  const residual = new Map<string, Float32Array[]>();
  const shrink = new Map<string, Float32Array[]>();
  const residualKeys: Array<[number, boolean]> = [
    [0.3, true],
    [0.3, false],
    [0, true],
    [1, true],
  ];
  const shrinkKeys: Array<[boolean, boolean]> = [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ];
  let leak: number[] = [];

  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    expect(fusedRistaAvailable()).toBe(true);
    for (const [b, tb] of residualKeys) residual.set(`${b}${tb}`, residualCase(true, b, tb));
    for (const [nn, wz] of shrinkKeys) shrink.set(`${nn}${wz}`, shrinkCase(true, nn, wz));
    const x = tf.tensor4d(rand(n, 9), shape);
    const counts = new Set<number>();
    for (let i = 0; i < 30; i++) {
      tf.tidy(() => {
        const [g] = tf.grads((a: tf.Tensor) =>
          tf.sum(fusedShrinkStep(a, fusedElasticResidual(a, tf.mul(a, 0.5), 0.4, 1e-3), 0.5, 0.1, true)),
        )([x]);
        g!.dataSync();
      });
      counts.add(tf.memory().numTensors);
    }
    leak = [...counts];
    x.dispose();
    await tf.setBackend('cpu');
  });

  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each(residualKeys)('elastic residual, beta %s (tensor: %s): value and gradients w.r.t. x, u, beta', (b, tb) => {
    const got = residual.get(`${b}${tb}`)!;
    const want = residualCase(false, b, tb);
    for (let i = 0; i < 3; i++) expect(relErr(got[i]!, want[i]!), `output ${i}`).toBeLessThan(1e-5);
    expect(Math.abs(want[1]![0]!)).toBeGreaterThan(0); // non-vacuous gradient
    if (tb) expect(relErr(got[3]!, want[3]!), 'd beta').toBeLessThan(1e-4);
  });

  it.each(shrinkKeys)('shrink step, nonNegative %s, with z %s: value and gradients w.r.t. z, v, t, thr', (nn, wz) => {
    const got = shrink.get(`${nn}${wz}`)!;
    const want = shrinkCase(false, nn, wz);
    expect(got).toHaveLength(want.length);
    for (let i = 0; i < want.length; i++) expect(relErr(got[i]!, want[i]!), `output ${i}`).toBeLessThan(1e-5);
    expect(Math.abs(want.at(-1)![0]!)).toBeGreaterThan(0); // d thr is not vacuous
  });

  it('detachWeights: the gradient treats w as a constant, (beta + (1 - beta) w) dy', async () => {
    await tf.setBackend('wasm');
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor4d(rand(n, 11), shape);
      const u = tf.tensor4d(rand(n, 12), shape);
      const G = tf.tensor4d(rand(n, 13), shape);
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(fusedElasticResidual(a, u, 0.25, 1e-2, true), G)))([x]);
      const w = elasticWeights(tf.sub(x, u), 1e-2);
      const expected = tf.mul(tf.add(0.25, tf.mul(0.75, w)), G);
      return [dx!.dataSync() as Float32Array, expected.dataSync() as Float32Array];
    });
    expect(relErr(got, want)).toBeLessThan(1e-6);
    await tf.setBackend('cpu');
  });

  it('keeps the tensor count flat over 30 tidied gradient steps', () => {
    expect(leak).toHaveLength(1);
  });

  it('refuses mismatched shapes and backends without the kernels, naming the way out', async () => {
    expect(() => fusedShrinkStep(null, tf.zeros([2, 2]), 1, 0.1, true)).toThrow(
      /not registered for backend 'cpu'.*fusedRistaAvailable/,
    );
    await tf.setBackend('wasm');
    expect(() => fusedElasticResidual(tf.zeros([2, 3]), tf.zeros([3, 2]), 0.5, 1e-3)).toThrow(
      /'x' \[2,3\] and 'u' \[3,2\] must have the same shape/,
    );
    expect(() => fusedShrinkStep(null, tf.zeros([2]), tf.zeros([2]) as tf.Scalar, 0.1, true)).toThrow(
      /t: expected a number or a scalar tensor/,
    );
    await tf.setBackend('cpu');
  });
});
