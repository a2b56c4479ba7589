import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpoint } from './recompute.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A small non-linear function of three tensors, with a closed-form gradient for an independent check.
const f = (a: tf.Tensor, b: tf.Tensor, _unused: tf.Tensor) => tf.mul(tf.sin(a), tf.square(b));

describe('checkpoint', () => {
  it('gives the value and the closed-form gradient, zeros for an unused input', () => {
    const a = tf.tensor1d([0.1, 0.5, 2, -1]);
    const b = tf.tensor1d([1.5, -0.5, 0.3, 2]);
    const c = tf.tensor1d([7, 7]);
    const g = tf.tensor1d([1, -2, 0.5, 3]);
    const loss = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(
        tf.mul(
          checkpoint((p, q, r) => f(p!, q!, r!), [x, y, z]),
          g,
        ),
      );
    const [ga, gb, gc] = tf.grads(loss)([a, b, c]);
    const A = a.arraySync() as number[];
    const B = b.arraySync() as number[];
    const G = g.arraySync() as number[];
    const expectA = A.map((v, i) => Math.cos(v) * B[i]! ** 2 * G[i]!);
    const expectB = A.map((v, i) => Math.sin(v) * 2 * B[i]! * G[i]!);
    for (const [i, v] of Array.from(ga!.dataSync()).entries()) expect(v).toBeCloseTo(expectA[i]!, 5);
    for (const [i, v] of Array.from(gb!.dataSync()).entries()) expect(v).toBeCloseTo(expectB[i]!, 5);
    expect(Array.from(gc!.dataSync())).toEqual([0, 0]);
    const value = checkpoint((p, q, r) => f(p!, q!, r!), [a, b, c]);
    expect(Array.from(value.dataSync())).toEqual(Array.from(f(a, b, c).dataSync()));
  });

  it('reaches tf.Variables under tf.variableGrads and is tidy-clean over a loop', () => {
    const v = tf.variable(tf.tensor1d([0.3, -0.7, 1.1]), true, 'checkpoint-test-v');
    const x = tf.tensor1d([2, 1, -1]);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(checkpoint((p, q) => tf.mul(tf.exp(p!), q!), [v, x])) as tf.Scalar,
          [v],
        );
        return [value.dataSync()[0]!, Array.from(grads[v.name]!.dataSync())] as const;
      });
    const [value, grad] = step();
    const V = v.arraySync() as number[];
    expect(value).toBeCloseTo(
      V.reduce((s, p, i) => s + Math.exp(p) * [2, 1, -1][i]!, 0),
      5,
    );
    for (const [i, g] of grad.entries()) expect(g).toBeCloseTo(Math.exp(V[i]!) * [2, 1, -1][i]!, 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('rejects an empty input list', () => {
    expect(() => checkpoint(() => tf.scalar(1), [])).toThrow(/inputs: expected at least one tensor/);
  });
});
