import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('createRng', () => {
  it('same seed gives the same stream and tensors, another seed differs', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    expect([a.uniform(), a.normal(), a.int(0, 10)]).toEqual([b.uniform(), b.normal(), b.int(0, 10)]);
    expect(Array.from(a.uniformTensor([3, 4], -1, 1).dataSync())).toEqual(
      Array.from(b.uniformTensor([3, 4], -1, 1).dataSync()),
    );
    expect(a.uniform()).not.toBe(c.uniform());
  });
  it('has the right moments and ranges', () => {
    const r = createRng('moments');
    const u = r.uniformTensor([20000], 2, 4).dataSync();
    const n = r.normalTensor([20000], 1, 3).dataSync();
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, t) => s + t, 0) / v.length;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(mean(u)).toBeCloseTo(3, 1);
    const m = mean(n);
    expect(m).toBeCloseTo(1, 1);
    const sd = Math.sqrt(mean(Array.from(n, (v) => (v - m) ** 2)));
    expect(sd).toBeGreaterThan(2.9);
    expect(sd).toBeLessThan(3.1);
    for (let i = 0; i < 200; i++) {
      const k = r.int(3, 6);
      expect(k >= 3 && k < 6 && Number.isInteger(k)).toBe(true);
    }
  });
  it('rejects bad arguments', () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
    expect(() => createRng(1).int(3, 3)).toThrow(/lo < hi/);
    // AttackErrors naming the argument (plain Errors before)
    expect(() => createRng(Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({
        name: 'AttackError',
        code: 'invalid-option',
        option: 'seed',
        message: 'seed must be a finite number or a string, got Infinity',
      }),
    );
    expect(() => createRng(1).int(3, 3)).toThrow(expect.objectContaining({ name: 'AttackError', option: 'hi' }));
  });
});
