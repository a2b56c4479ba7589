import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { CIFAR10C_SEVERITIES, corrupt, corruption, corruptionParameter } from './corruptions.ts';
import { samplePoisson } from './poisson.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('corruptions', () => {
  const x = makeImages([4, 16, 16, 3], 5, 0.05, 0.95);
  const xs = x.dataSync();

  it('impulse changes about the expected fraction of elements, to 0 or 1', async () => {
    for (const severity of [1, 3, 5]) {
      const amount = CIFAR10C_SEVERITIES.impulse[severity - 1] ?? 0;
      const out = (await corrupt(x, { type: 'impulse', severity, seed: severity })).dataSync();
      let changed = 0;
      let salt = 0;
      out.forEach((v, i) => {
        if (v !== xs[i]) {
          changed++;
          expect(v === 0 || v === 1).toBe(true);
          if (v === 1) salt++;
        }
      });
      const n = out.length;
      const sd = Math.sqrt(n * amount * (1 - amount));
      expect(Math.abs(changed - n * amount)).toBeLessThan(4 * sd + 1);
      expect(Math.abs(salt - changed / 2)).toBeLessThan(4 * Math.sqrt(changed / 4) + 1);
    }
  });

  it('gaussian / speckle / shot noise have the reference spread and stay in [0, 1]', async () => {
    const mid = tf.fill([2, 16, 16, 3], 0.5) as tf.Tensor4D;
    const sd = (a: Float32Array) => {
      const m = a.reduce((s, v) => s + v, 0) / a.length;
      return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
    };
    const g = (await corrupt(mid, { type: 'gaussian', severity: 5 })).dataSync() as Float32Array;
    expect(sd(g)).toBeGreaterThan(0.09);
    expect(sd(g)).toBeLessThan(0.11);
    const s = (await corrupt(mid, { type: 'speckle', severity: 5 })).dataSync() as Float32Array;
    expect(sd(s)).toBeGreaterThan(0.5 * 0.2 * 0.9);
    expect(sd(s)).toBeLessThan(0.5 * 0.2 * 1.1);
    // Poisson(0.5 * 50) / 50 has std sqrt(25) / 50 = 0.1.
    const p = (await corrupt(mid, { type: 'shot', severity: 5 })).dataSync() as Float32Array;
    expect(sd(p)).toBeGreaterThan(0.09);
    expect(sd(p)).toBeLessThan(0.11);
    for (const type of ['gaussian', 'shot', 'speckle', 'impulse'] as const) {
      const out = await corrupt(x, { type, severity: 5 });
      expect(tf.min(out).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(out).dataSync()[0]).toBeLessThanOrEqual(1);
    }
  });

  it('same seed same output, another seed differs; quantize gives 8-bit levels', async () => {
    const a = (await corrupt(x, { type: 'gaussian', severity: 2, seed: 4 })).dataSync();
    const b = (await corrupt(x, { type: 'gaussian', severity: 2, seed: 4 })).dataSync();
    const c = (await corrupt(x, { type: 'gaussian', severity: 2, seed: 5 })).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const q = (await corrupt(x, { type: 'shot', severity: 1, quantize: true })).dataSync();
    for (const v of q) expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-3);
  });

  it('samplePoisson has the right mean and variance on both branches', () => {
    const rng = createRng(3);
    for (const lambda of [0.7, 4, 25, 250]) {
      const draws = Array.from({ length: 20000 }, () => samplePoisson(lambda, () => rng.uniform()));
      const m = draws.reduce((s, v) => s + v, 0) / draws.length;
      const v = draws.reduce((s, d) => s + (d - m) ** 2, 0) / draws.length;
      expect(Math.abs(m - lambda)).toBeLessThan(5 * Math.sqrt(lambda / draws.length));
      expect(v / lambda).toBeGreaterThan(0.93);
      expect(v / lambda).toBeLessThan(1.07);
    }
  });

  it('as an attack: reports accuracy under noise; validates options', async () => {
    const lin = makeLinearModel(16 * 16 * 3, 3, 8);
    const y = tf.tensor1d([0, 1, 2, 0], 'int32');
    const r = await corruption({ type: 'impulse', severity: 5, seed: 1 }).run(lin.model, x, y);
    expect(r.success.length).toBe(4);
    const pred = Array.from(tf.argMax(lin.model(r.xAdv), 1).dataSync());
    expect(r.success).toEqual(pred.map((p, i) => p !== [0, 1, 2, 0][i]));
    expect(() => corruptionParameter('impulse', 6)).toThrow(/severity must be an integer in 1..5/);
    expect(() => corruptionParameter('impulse', 1, 2)).toThrow(/impulse amount/);
    await expect(corrupt(tf.fill([1, 2, 2, 1], 2) as tf.Tensor4D, { type: 'gaussian' })).rejects.toThrow(/\[0, 1\]/);
  });
});
