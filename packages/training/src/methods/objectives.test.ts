import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { martLoss } from './mart.ts';
import { tradesLoss } from './trades.ts';

// Independent plain-number references written from the papers' formulas.
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const kl = (p: number[], q: number[]) => p.reduce((s, pi, i) => s + pi * (Math.log(pi) - Math.log(q[i]!)), 0);

const nat = [
  [2.0, 0.5, -1.0],
  [0.1, 0.3, 0.2],
];
const adv = [
  [1.0, 1.2, -0.5],
  [-0.4, 0.9, 0.6],
];
const y = [0, 2];

describe('TRADES and MART objectives on fixed logits', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('tradesLoss = CE(nat) + beta * mean KL(p_nat || p_adv)', () => {
    const beta = 6;
    let expected = 0;
    for (let i = 0; i < 2; i++) {
      const pn = softmax(nat[i]!);
      expected += (-Math.log(pn[y[i]!]!) + beta * kl(pn, softmax(adv[i]!))) / 2;
    }
    const got = tf.tidy(() =>
      tradesLoss(
        tf.tensor2d(nat),
        tf.tensor2d(adv),
        tf.oneHot(tf.tensor1d(y, 'int32'), 3).toFloat() as tf.Tensor2D,
        beta,
      ),
    );
    expect(got.dataSync()[0]).toBeCloseTo(expected, 5);
    got.dispose();
  });

  it('martLoss = mean BCE + beta * mean KL * (1 - p_nat[y])', () => {
    const beta = 6;
    let bce = 0;
    let rob = 0;
    for (let i = 0; i < 2; i++) {
      const pa = softmax(adv[i]!);
      const pn = softmax(nat[i]!);
      const yi = y[i]!;
      // most likely wrong class of p_adv
      let wrong = -1;
      for (let c = 0; c < 3; c++) if (c !== yi && (wrong < 0 || pa[c]! > pa[wrong]!)) wrong = c;
      bce += -Math.log(pa[yi]!) - Math.log(1.0001 - pa[wrong]! + 1e-12);
      rob += kl(pn, pa) * (1.0000001 - pn[yi]!);
    }
    const expected = bce / 2 + (beta * rob) / 2;
    const got = tf.tidy(() =>
      martLoss(
        tf.tensor2d(nat),
        tf.tensor2d(adv),
        tf.oneHot(tf.tensor1d(y, 'int32'), 3).toFloat() as tf.Tensor2D,
        beta,
      ),
    );
    expect(got.dataSync()[0]).toBeCloseTo(expected, 5);
    got.dispose();
  });

  it('martLoss has a finite gradient (argMax mask inside the differentiated function)', () => {
    const g = tf.tidy(() => {
      const t = tf.oneHot(tf.tensor1d(y, 'int32'), 3).toFloat() as tf.Tensor2D;
      return tf.grad((a: tf.Tensor) => martLoss(tf.tensor2d(nat), a as tf.Tensor2D, t, 6))(tf.tensor2d(adv));
    });
    const v = Array.from(g.dataSync());
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v.some((x) => Math.abs(x) > 1e-4)).toBe(true);
    g.dispose();
  });
});
