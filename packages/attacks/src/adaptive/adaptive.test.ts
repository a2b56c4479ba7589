import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgd } from '../gradient/pgd.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { bpda } from './bpda.ts';
import { eot } from './eot.ts';
import { transferAttack } from './transfer-attack.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bpda', () => {
  it('forward value from forward, gradient from the surrogate', () => {
    const quantise = (x: tf.Tensor) => tf.div(tf.round(tf.mul(x, 4)), 4);
    const smooth = (x: tf.Tensor) => tf.mul(tf.square(x), 3); // d/dx = 6x
    const f = bpda(quantise, smooth);
    const x = tf.tensor1d([0.1, 0.3, 0.62]);
    expect(Array.from(f(x).dataSync())).toEqual(Array.from(quantise(x).dataSync()));
    const dy = tf.tensor1d([1, 2, -1]);
    const g = tf
      .grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x)
      .dataSync();
    [0.1 * 6 * 1, 0.3 * 6 * 2, 0.62 * 6 * -1].forEach((e, i) => {
      expect(g[i]).toBeCloseTo(e, 5);
    });
    // The plain quantiser has zero gradient; the straight-through version passes dy.
    expect(
      Array.from(
        tf
          .grad((v: tf.Tensor) => tf.sum(quantise(v)))(x)
          .dataSync(),
      ),
    ).toEqual([0, 0, 0]);
    const ste = bpda(quantise, (v) => v);
    expect(
      Array.from(
        tf
          .grad((v: tf.Tensor) => tf.sum(tf.mul(ste(v), dy)))(x)
          .dataSync(),
      ),
    ).toEqual([1, 2, -1]);
  });
});

describe('eot', () => {
  it('averages logits over n seeded draws and is reproducible', () => {
    const lin = makeLinearModel(12, 3, 2);
    const x = makeImages([2, 2, 2, 3]);
    const shift = (v: tf.Tensor4D, rng: { uniform(lo?: number, hi?: number): number }) =>
      tf.add(v, rng.uniform(-0.1, 0.1)) as tf.Tensor4D;
    const a = eot(lin.model, shift, 4, 9)(x).dataSync();
    const b = eot(lin.model, shift, 4, 9)(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    // Linear model: the mean of the logits equals the logits at the mean shift. Record the shifts drawn.
    const shifts: number[] = [];
    const recording = eot(
      lin.model,
      (v, rng) => {
        const s = rng.uniform(-0.1, 0.1);
        shifts.push(s);
        return tf.add(v, s) as tf.Tensor4D;
      },
      4,
      9,
    );
    const c = recording(x).dataSync();
    expect(shifts.length).toBe(4);
    expect(Array.from(c)).toEqual(Array.from(a));
    const meanShift = shifts.reduce((t, v) => t + v, 0) / 4;
    const expected = lin.model(tf.add(x, meanShift) as tf.Tensor4D).dataSync();
    a.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 4);
    });
    expect(() => eot(lin.model, (v) => v, 0)).toThrow(/n must be an integer >= 1/);
  });
});

describe('transferAttack', () => {
  it('crafts on the surrogate and judges on the target', async () => {
    const target = makeLinearModel(12, 3, 5);
    const surrogate = makeLinearModel(12, 3, 6);
    const x = makeImages([4, 2, 2, 3], 1, 0, 1);
    const y = tf.tensor1d([0, 1, 2, 0], 'int32');
    const inner = pgd({ eps: 0.1, steps: 5, seed: 2 });
    const direct = await inner.run(surrogate.model, x, y);
    const r = await transferAttack(surrogate.model, inner).run(target.model, x, y);
    expect(tf.max(tf.abs(tf.sub(r.xAdv, direct.xAdv))).dataSync()[0]).toBeLessThan(1e-7);
    const pred = Array.from(tf.argMax(target.model(r.xAdv), 1).dataSync());
    expect(r.success).toEqual(pred.map((p, i) => p !== [0, 1, 2, 0][i]));
  });
});
