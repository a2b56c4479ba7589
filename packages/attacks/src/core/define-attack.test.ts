import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgd } from '../gradient/pgd.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { defineAttack } from './define-attack.ts';
import { AttackError } from './errors.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const lin = makeLinearModel(12, 3, 5);
const x = makeImages([3, 2, 2, 3], 2, 0.1, 0.9);
const y = tf.tensor1d([0, 1, 2], 'int32');

describe('defineAttack', () => {
  it('always finalises: an out-of-budget body result is projected, re-judged and measured', async () => {
    let calls = 0;
    const reckless = defineAttack({
      name: 'reckless',
      threat: { norm: 'linf', eps: 0.05 },
      family: 'gradient',
      effort: { steps: 1, restarts: 1 },
      settings: {},
      run: async (input) => {
        calls++;
        expect(input.y.dtype).toBe('int32');
        expect(input.numClasses).toBe(3);
        return {
          xAdv: tf.add(input.x, 0.7) as tf.Tensor4D,
          flags: [{ id: 'note', severity: 'info', message: 'm', fix: 'f' }],
        };
      },
    });
    const r = await reckless.run(lin.model, x, y);
    expect(calls).toBe(1);
    for (const v of r.norms) expect(v).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
    const pred = Array.from(tf.argMax(lin.model(r.xAdv), 1).dataSync());
    expect(r.success).toEqual(pred.map((p, i) => p !== [0, 1, 2][i]));
    expect(r.flags).toEqual([{ id: 'note', severity: 'info', message: 'm', fix: 'f', source: 'reckless' }]);
    expect(reckless.family).toBe('gradient');
    expect(Object.isFrozen(reckless)).toBe(true);
    r.xAdv.dispose();
  });

  it('validates inputs once before the body runs, and rejects NaN results', async () => {
    let ran = false;
    const nan = defineAttack({
      name: 'nan',
      threat: { norm: 'none' },
      family: 'corruption',
      effort: { steps: 0, restarts: 1 },
      settings: {},
      run: async (input) => {
        ran = true;
        return { xAdv: tf.mul(input.x, Number.NaN) as tf.Tensor4D };
      },
    });
    await expect(
      nan.run(lin.model, tf.fill([1, 2, 2, 3], 2) as tf.Tensor4D, tf.tensor1d([0], 'int32')),
    ).rejects.toThrow(/x must have pixels in \[0, 1\]/);
    expect(ran).toBe(false);
    const err = await nan.run(lin.model, x, y).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttackError);
    expect((err as AttackError).code).toBe('broken-result');
  });

  it('rejects a malformed definition, naming the option', () => {
    const def = {
      name: 'bad',
      threat: { norm: 'linf' as const, eps: -1 },
      family: 'gradient' as const,
      effort: { steps: 1, restarts: 1 },
      settings: {},
      run: async () => ({ xAdv: tf.zeros([1, 1, 1, 1]) as tf.Tensor4D }),
    };
    expect(() => defineAttack(def)).toThrow(/threat.eps must be a finite number >= 0/);
    expect(() => defineAttack({ ...def, threat: { norm: 'linf' }, effort: { steps: 1, restarts: 0 } })).toThrow(
      /effort.restarts/,
    );
    expect(() => defineAttack({ ...def, threat: { norm: 'linf' }, family: 'magic' as 'gradient' })).toThrow(/family/);
  });

  it('refuses a bad seed when the attack is made (it failed at the first run, as a plain Error, before)', () => {
    for (const seed of [Number.NaN, Number.POSITIVE_INFINITY, {} as unknown as number]) {
      expect(() => pgd({ eps: 0.1, seed })).toThrow(
        expect.objectContaining({ name: 'AttackError', code: 'invalid-option', option: 'seed' }),
      );
    }
    expect(pgd({ eps: 0.1, seed: 'run-1' as unknown as number }).settings.seed).toBe('run-1');
  });

  it('targeted attacks reject targets out of range or equal to the true label; others reject targets', async () => {
    const targeted = pgd({ eps: 0.05, steps: 2, targeted: true });
    await expect(targeted.run(lin.model, x, y, tf.tensor1d([1, 2, 3], 'int32'))).rejects.toThrow(
      /targets\[2\] = 3 is not a valid class label/,
    );
    const same = await targeted.run(lin.model, x, y, tf.tensor1d([1, 1, 0], 'int32')).catch((e: unknown) => e);
    expect((same as AttackError).option).toBe('targets');
    expect((same as Error).message).toMatch(/targets\[1\] = 1 equals the true label/);
    const ok = await targeted.run(lin.model, x, y, tf.tensor1d([1, 2, 0], 'int32'));
    expect(ok.success.length).toBe(3);
    ok.xAdv.dispose();
    await expect(pgd({ eps: 0.05, steps: 2 }).run(lin.model, x, y, tf.tensor1d([1, 2, 0], 'int32'))).rejects.toThrow(
      /not a targeted attack/,
    );
  });
});
