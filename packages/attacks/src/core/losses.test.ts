import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cwMargin, dlr, dlrTargeted, marginLoss, perSampleCrossEntropy } from './losses.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const Z = [
  [2.0, -1.0, 0.5, 3.0],
  [0.1, 0.2, -0.3, 0.0],
  [5.0, 1.0, 4.0, -2.0],
];
const Y = [0, 1, 2];
const T = [1, 3, 0];

// Independent references in float64.
const sorted = (r: number[]) => [...r].sort((a, b) => b - a);
const maxOther = (r: number[], k: number) => Math.max(...r.filter((_, i) => i !== k));
const refCe = (r: number[], k: number) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)) - (r[k] ?? 0);

function run(fn: (z: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D) => tf.Tensor1D): number[] {
  return Array.from(fn(tf.tensor2d(Z), tf.tensor1d(Y, 'int32'), tf.tensor1d(T, 'int32')).dataSync());
}

describe('losses (higher = better for the attacker)', () => {
  it('perSampleCrossEntropy untargeted and targeted', () => {
    run((z, y) => perSampleCrossEntropy(z, y)).forEach((v, i) => {
      expect(v).toBeCloseTo(refCe(Z[i]!, Y[i]!), 5);
    });
    run((z, y, t) => perSampleCrossEntropy(z, y, t)).forEach((v, i) => {
      expect(v).toBeCloseTo(-refCe(Z[i]!, T[i]!), 5);
    });
  });
  it('cwMargin = -max(z_y - max_{i!=y} z_i + kappa, 0)', () => {
    for (const kappa of [0, 0.5, 50]) {
      run((z, y) => cwMargin(z, y, kappa)).forEach((v, i) => {
        const r = Z[i]!;
        expect(v).toBeCloseTo(-Math.max(r[Y[i]!]! - maxOther(r, Y[i]!) + kappa, 0), 5);
      });
      run((z, y, t) => cwMargin(z, y, kappa, t)).forEach((v, i) => {
        const r = Z[i]!;
        expect(v).toBeCloseTo(-Math.max(maxOther(r, T[i]!) - r[T[i]!]! + kappa, 0), 5);
      });
    }
    expect(() => cwMargin(tf.tensor2d(Z), tf.tensor1d(Y, 'int32'), -1)).toThrow(/kappa/);
  });
  it('marginLoss', () => {
    run((z, y) => marginLoss(z, y)).forEach((v, i) => {
      expect(v).toBeCloseTo(maxOther(Z[i]!, Y[i]!) - Z[i]![Y[i]!]!, 5);
    });
  });
  it('dlr and dlrTargeted match the AutoAttack formulas', () => {
    run((z, y) => dlr(z, y)).forEach((v, i) => {
      const r = Z[i]!;
      const s = sorted(r);
      expect(v).toBeCloseTo(-(r[Y[i]!]! - maxOther(r, Y[i]!)) / (s[0]! - s[2]! + 1e-12), 4);
    });
    run((z, y, t) => dlrTargeted(z, y, t)).forEach((v, i) => {
      const r = Z[i]!;
      const s = sorted(r);
      expect(v).toBeCloseTo(-(r[Y[i]!]! - r[T[i]!]!) / (s[0]! - 0.5 * (s[2]! + s[3]!) + 1e-12), 4);
    });
    expect(() => dlr(tf.tensor2d([[1, 2]]), tf.tensor1d([0], 'int32'))).toThrow(/at least 3 classes/);
    expect(() => dlrTargeted(tf.tensor2d(Z), tf.tensor1d(Y, 'int32'))).toThrow(/targets/);
  });
  it('dlr gradient matches finite differences', () => {
    const y = tf.tensor1d(Y, 'int32');
    const f = (z: tf.Tensor) => tf.sum(dlr(z as tf.Tensor2D, y));
    const g = tf.grad(f)(tf.tensor2d(Z)).arraySync() as number[][];
    const h = 1e-3;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) {
        const plus = Z.map((r) => [...r]);
        const minus = Z.map((r) => [...r]);
        plus[i]![j]! += h;
        minus[i]![j]! -= h;
        const fd = (f(tf.tensor2d(plus)).dataSync()[0]! - f(tf.tensor2d(minus)).dataSync()[0]!) / (2 * h);
        expect(g[i]![j]!).toBeCloseTo(fd, 2);
      }
  });
  it('dlrTargeted gradient matches finite differences (5 classes: top-4 ranks, target, label and an unranked class)', () => {
    const z5 = [
      [2.0, -1.0, 0.5, 3.0, 1.2],
      [0.1, 0.25, -0.3, 0.0, -0.7],
      [5.0, 1.0, 4.0, -2.0, 2.5],
    ];
    const y = tf.tensor1d(Y, 'int32');
    const t = tf.tensor1d([1, 4, 3], 'int32');
    const f = (z: tf.Tensor) => tf.sum(dlrTargeted(z as tf.Tensor2D, y, t));
    const g = tf.grad(f)(tf.tensor2d(z5)).arraySync() as number[][];
    const h = 1e-3;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++) {
        const plus = z5.map((r) => [...r]);
        const minus = z5.map((r) => [...r]);
        plus[i]![j]! += h;
        minus[i]![j]! -= h;
        const fd = (f(tf.tensor2d(plus)).dataSync()[0]! - f(tf.tensor2d(minus)).dataSync()[0]!) / (2 * h);
        expect(g[i]![j]!).toBeCloseTo(fd, 2);
      }
    expect(() => dlrTargeted(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([0], 'int32'), t)).toThrow(/at least 4 classes/);
  });
});
