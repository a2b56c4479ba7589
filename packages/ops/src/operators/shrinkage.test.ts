import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { finiteDifference } from '../testing/test-utils.ts';
import { nonNegativeSoftThreshold, softThreshold } from './shrinkage.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Values kept away from the kinks at +-thr so that central differences are valid.
const zValues = [-2.3, -0.9, -0.2, 0.05, 0.35, 0.8, 1.7, -1.25];
const thr = 0.5;
const weights = [0.3, -1.1, 0.7, 2.0, -0.4, 1.3, -0.8, 0.6];

/**
 * Checks the gradients of `sum(w * shrink(z, thr))` in `z` and in `thr` against central differences; returns the
 * analytic gradient in `thr`.
 */
function expectGradientsMatchFiniteDifferences(shrink: (z: tf.Tensor, thr: tf.Scalar) => tf.Tensor): number {
  const w = tf.tensor1d(weights);
  const f = (z: tf.Tensor, t: tf.Tensor) => tf.sum(tf.mul(shrink(z, t as tf.Scalar), w)) as tf.Scalar;
  const z0 = tf.tensor1d(zValues);
  const t0 = tf.scalar(thr);
  const [gz, gt] = tf.grads(f)([z0, t0]);
  const gzData = gz!.dataSync();
  for (let i = 0; i < zValues.length; i++) {
    expect(gzData[i]).toBeCloseTo(
      finiteDifference((z) => f(z, t0), z0, i, 1e-2),
      3,
    );
  }
  const gtValue = gt!.dataSync()[0]!;
  expect(gtValue).toBeCloseTo(
    finiteDifference((t) => f(z0, t), t0, 0, 1e-2),
    3,
  );
  return gtValue;
}

describe('softThreshold', () => {
  it('equals sign(z) max(|z| - thr, 0)', () => {
    const got = softThreshold(tf.tensor1d(zValues), thr).dataSync();
    zValues.forEach((z, i) => {
      expect(got[i]).toBeCloseTo(Math.sign(z) * Math.max(Math.abs(z) - thr, 0), 6);
    });
  });
  it('gradients in z and in the threshold match central differences', () => {
    const gt = expectGradientsMatchFiniteDifferences(softThreshold);
    // closed form: d/dthr = -sum(sign(z) w) over |z| > thr
    const closed = zValues.reduce((s, z, i) => s + (Math.abs(z) > thr ? -Math.sign(z) * weights[i]! : 0), 0);
    expect(gt).toBeCloseTo(closed, 5);
  });
  it('rejects a negative, non-finite or non-scalar threshold', () => {
    const z = tf.ones([2]);
    expect(() => softThreshold(z, -0.1)).toThrow(/threshold must be a finite number >= 0, got -0.1/);
    expect(() => softThreshold(z, Number.NaN)).toThrow(/threshold/);
    expect(() => softThreshold(z, tf.ones([2]) as never)).toThrow(
      /threshold: expected a scalar tensor, got shape \[2\]/,
    );
  });
});

describe('nonNegativeSoftThreshold', () => {
  it('equals max(z - thr, 0)', () => {
    const got = nonNegativeSoftThreshold(tf.tensor1d(zValues), thr).dataSync();
    zValues.forEach((z, i) => {
      expect(got[i]).toBeCloseTo(Math.max(z - thr, 0), 6);
    });
  });
  it('gradients in z and in the threshold match central differences', () => {
    expectGradientsMatchFiniteDifferences(nonNegativeSoftThreshold);
  });
  it('rejects a negative threshold', () => {
    expect(() => nonNegativeSoftThreshold(tf.ones([2]), -1)).toThrow(/threshold/);
  });
});
