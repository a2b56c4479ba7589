import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sgd } from './sgd.ts';

/** Independent reference: PyTorch SGD (dampening 0) on plain numbers. */
function reference(p0: number[], grads: number[][], lr: number, mu: number, wd: number, nesterov: boolean): number[] {
  const p = [...p0];
  const b: number[] = [];
  for (const g0 of grads) {
    for (let i = 0; i < p.length; i++) {
      const g = g0[i]! + wd * p[i]!;
      b[i] = b[i] === undefined ? g : mu * b[i]! + g;
      p[i] = p[i]! - lr * (nesterov ? g + mu * b[i]! : b[i]!);
    }
  }
  return p;
}

describe('Sgd', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches a hand-computed first step (momentum 0.9, nesterov, wd 0.1)', () => {
    // p = [1, -2], g = [0.5, 0.25]; g' = g + 0.1 p = [0.6, 0.05]; b = g'; d = g' + 0.9 b = [1.14, 0.095]
    const p = tf.variable(tf.tensor1d([1, -2]));
    const sgd = new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    const g = tf.tensor1d([0.5, 0.25]);
    sgd.apply([p], [g], 0.1);
    const v = p.dataSync();
    expect(v[0]).toBeCloseTo(1 - 0.1 * 1.14, 6);
    expect(v[1]).toBeCloseTo(-2 - 0.1 * 0.095, 6);
    sgd.dispose();
    tf.dispose([p, g]);
  });

  for (const nesterov of [false, true]) {
    it(`follows the reference over 5 steps on a 2-parameter quadratic (nesterov ${nesterov})`, () => {
      // loss = 0.5 (3 p0^2 + p1^2) + p0 p1: gradient [3 p0 + p1, p1 + p0]
      const p = tf.variable(tf.tensor1d([1.5, -0.5]));
      const sgd = new Sgd({ momentum: 0.8, nesterov, weightDecay: 0.05 });
      const seen: number[][] = [];
      const pNum = [1.5, -0.5];
      for (let k = 0; k < 5; k++) {
        const [a, b] = Array.from(p.dataSync());
        const g = [3 * a! + b!, b! + a!];
        seen.push(g);
        const gt = tf.tensor1d(g);
        sgd.apply([p], [gt], 0.05);
        gt.dispose();
      }
      const expected = reference(pNum, seen, 0.05, 0.8, 0.05, nesterov);
      const got = p.dataSync();
      expect(got[0]).toBeCloseTo(expected[0]!, 5);
      expect(got[1]).toBeCloseTo(expected[1]!, 5);
      sgd.dispose();
      p.dispose();
    });
  }

  it('state round-trips and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const init = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const p = tf.variable(init);
    init.dispose();
    const sgd = new Sgd({ momentum: 0.9 });
    const g = tf.ones([2, 2]);
    for (let i = 0; i < 50; i++) sgd.apply([p], [g], 0.01);
    const state = await sgd.getState();
    expect(Array.from(state.buffers[0]!)).toEqual([1, 1, 1, 1].map(() => expect.closeTo((1 - 0.9 ** 50) / 0.1, 4)));
    const other = new Sgd({ momentum: 0.9 });
    other.setState(state, [p]);
    expect(Array.from((await other.getState()).buffers[0]!)).toEqual(Array.from(state.buffers[0]!));
    sgd.dispose();
    other.dispose();
    tf.dispose([p, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad hyperparameters with a named error', () => {
    expect(() => new Sgd({ momentum: 1.5 })).toThrow(/momentum/);
    expect(() => new Sgd({ momentum: 0, nesterov: true })).toThrow(/nesterov/);
    expect(() => new Sgd({ weightDecay: -1 })).toThrow(/weightDecay/);
    const p = tf.variable(tf.scalar(1));
    expect(() => new Sgd().apply([p], [tf.scalar(1)], Number.NaN)).toThrow(/lr/);
    p.dispose();
  });
});
