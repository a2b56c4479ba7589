import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectAtomsToUnitNorm, UNIT_NORM_TOLERANCE } from './atom-unit-norm.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

/** `w / ||w||` per atom (last axis), computed in float64 from the float32 values: an independent reference. */
function reference(w: tf.Tensor): Float64Array {
  const values = w.dataSync();
  const filters = w.shape[3]!;
  const norms = new Float64Array(filters);
  values.forEach((v, i) => {
    norms[i % filters]! += v * v;
  });
  return Float64Array.from(values, (v, i) => v / Math.sqrt(norms[i % filters]!));
}

describe('projectAtomsToUnitNorm', () => {
  it('divides each atom by its l2 norm (float64 reference, 1e-6 relative)', () => {
    for (const shape of [
      [3, 3, 2, 4],
      [1, 1, 5, 3],
      [3, 3, 64, 8],
    ]) {
      const w = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), tf.range(1, shape[3]! + 1)); // norms far from 1
      const projected = projectAtomsToUnitNorm(w);
      const expected = reference(w);
      const got = projected.dataSync();
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6);
    }
  });

  it('is idempotent: projecting a projected kernel changes no bit', () => {
    for (const [seed, shape] of [
      [1, [3, 3, 3, 16]],
      [2, [3, 3, 64, 32]],
      [3, [3, 3, 256, 4]],
    ] as const) {
      const once = projectAtomsToUnitNorm(tf.randomNormal([...shape], 0, 0.05, 'float32', seed));
      const twice = projectAtomsToUnitNorm(once);
      expect(bits(twice)).toEqual(bits(once));
    }
  });

  it('leaves atoms within the tolerance and all-zero atoms bit for bit, and projects the others', () => {
    const unit = projectAtomsToUnitNorm(tf.randomNormal([3, 3, 2, 1], 0, 1, 'float32', 5));
    const near = tf.mul(unit, 1 + UNIT_NORM_TOLERANCE / 2);
    const far = tf.mul(unit, 1 + 10 * UNIT_NORM_TOLERANCE);
    const w = tf.concat([near, tf.zeros([3, 3, 2, 1]), far], 3);
    const out = projectAtomsToUnitNorm(w);
    const [nearOut, zeroOut, farOut] = tf.split(out, 3, 3);
    expect(bits(nearOut!)).toEqual(bits(near));
    expect(Array.from(zeroOut!.dataSync())).toEqual(new Array(18).fill(0));
    const farNorm = tf.sqrt(tf.sum(tf.square(farOut!))).dataSync()[0]!;
    expect(Math.abs(farNorm - 1)).toBeLessThan(UNIT_NORM_TOLERANCE);
    expect(bits(farOut!)).not.toEqual(bits(far));
  });
});
