import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpda } from '../adaptive/bpda.ts';
import { apgd } from '../apgd/apgd.ts';
import type { Model } from '../core/model.ts';
import { tinyCnn } from '../testing/auto-attack-test-cnn.ts';
import { makeImages } from '../testing/test-helpers.ts';
import { autoAttack } from './auto-attack.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const x = makeImages([8, 4, 5, 2], 21, 0, 1);
const cnn = tinyCnn(x, 5, 3);
const clean = tf.tidy(() => Array.from(tf.argMax(cnn.model(x), 1).dataSync()));
// One label is wrong on purpose: that point is not robust from the start and must never be attacked.
const labels = clean.map((c, i) => (i === 0 ? (c + 1) % 5 : c));
const y = tf.tensor1d(labels, 'int32');
const EPS = 0.04;

describe('autoAttack', () => {
  it('warns when the gradient-free Square beats the gradient attacks (masked gradients)', async () => {
    // Gradients are zero (a BPDA stop-gradient on the input), so APGD cannot move past its random start.
    const stop = bpda(
      (v: tf.Tensor4D) => tf.clone(v),
      (v: tf.Tensor4D) => tf.mul(v, 0) as tf.Tensor4D,
    );
    const masked: Model = (input) => tf.tidy(() => cnn.model(stop(input)));
    const res = await autoAttack({
      norm: 'linf',
      eps: 0.1,
      version: 'custom',
      attacks: ['apgd-ce', 'square'],
      budget: 0.05,
    }).run(masked, x, y);
    expect(res.log[1]?.successes).toBeGreaterThan(0);
    const flag = res.flags.find((f) => f.id === 'black-box-beats-white-box');
    expect(flag?.message).toMatch(/masked/);
    expect(flag?.source).toBe('autoattack-custom');
    res.xAdv.dispose();
  });

  it('attacks only still-robust points, keeps the worst case and reports the checks', async () => {
    const phases: number[][] = [[]];
    const counting: Model = (input) => {
      phases[phases.length - 1]?.push(input.shape[0]);
      return cnn.model(input);
    };
    const aa = autoAttack({ norm: 'linf', eps: EPS, budget: 0.05, nTargets: 2, seed: 1, onLog: () => phases.push([]) });
    expect(aa.settings.nIter).toBe(5);
    expect(aa.settings.nQueries).toBe(250);
    const res = await aa.run(counting, x, y);
    expect(res.log.map((e) => e.attack)).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(res.cleanAccuracy).toBeCloseTo(7 / 8, 12);
    expect(res.log[0]?.attacked).toBe(7);
    // Each attack sees exactly the points left robust by the previous ones, and no model call is larger.
    for (let k = 1; k < res.log.length; k++) {
      const stillRobust = Math.round((res.log[k - 1]?.robustAccuracy ?? 0) * 8);
      expect(res.log[k]?.attacked).toBe(stillRobust);
      const sizes = phases[k] ?? [];
      if (stillRobust > 0) expect(Math.max(...sizes)).toBeLessThanOrEqual(stillRobust);
      else expect(sizes.length).toBe(0);
    }
    // Robust accuracy is non-increasing and never above clean accuracy.
    const accs = [res.cleanAccuracy, ...res.log.map((e) => e.robustAccuracy)];
    for (let k = 1; k < accs.length; k++) expect(accs[k]).toBeLessThanOrEqual(accs[k - 1] ?? 0);
    expect(res.robustAccuracy).toBe(res.log.at(-1)?.robustAccuracy);
    expect(res.robustAccuracy).toBeLessThan(res.cleanAccuracy);
    // Final result agrees with the flags, stays in budget and box.
    expect(res.robust.map((r) => !r)).toEqual(res.success);
    expect(res.checks.disagreements).toBe(0);
    const squareFooled = res.log.find((e) => e.attack === 'square')?.successes ?? 0;
    expect(res.flags.some((f) => f.id === 'black-box-beats-white-box')).toBe(squareFooled > 0);
    // A reduced budget is never reported as the standard evaluation.
    expect(aa.name).toBe('autoattack-reduced');
    expect(aa.settings.version).toBe('reduced');
    expect(res.flags.find((f) => f.id === 'reduced-budget-autoattack')?.message).toMatch(
      /reduced-budget AutoAttack: not the standard evaluation/,
    );
    expect(res.checks.nanCount).toBe(0);
    expect(res.checks.maxNorm).toBeLessThanOrEqual(EPS + 1e-6);
    expect(res.checks.min).toBeGreaterThanOrEqual(0);
    expect(res.checks.max).toBeLessThanOrEqual(1);
    // The mislabelled point is returned clean.
    expect(res.norms[0]).toBe(0);

    // Worst case: everything APGD-CE alone fools (same seed, same subset) is fooled by the ensemble.
    const alone = await apgd({ eps: EPS, steps: 5, seed: 1 }).run(cnn.model, x, y);
    alone.success.forEach((s, i) => {
      if (s) expect(res.success[i]).toBe(true);
    });
    expect(res.robustAccuracy).toBeLessThanOrEqual(alone.success.filter((s) => !s).length / 8);

    // Same seed, same result.
    const again = await autoAttack({ norm: 'linf', eps: EPS, budget: 0.05, nTargets: 2, seed: 1 }).run(cnn.model, x, y);
    expect(Array.from(again.xAdv.dataSync())).toEqual(Array.from(res.xAdv.dataSync()));
    expect(again.robust).toEqual(res.robust);
    tf.dispose([res.xAdv, alone.xAdv, again.xAdv]);
  });

  it('l2 with small batches, and memory stays flat', async () => {
    const aa = autoAttack({ norm: 'l2', eps: 0.3, budget: 0.02, nTargets: 1, batchSize: 3, seed: 2 });
    const warm = await aa.run(cnn.model, x, y);
    expect(warm.checks.maxNorm).toBeLessThanOrEqual(0.3 + 1e-5);
    warm.xAdv.dispose();
    const before = tf.memory().numTensors;
    (await aa.run(cnn.model, x, y)).xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds the rand and custom versions and rejects bad options', () => {
    const rand = autoAttack({ norm: 'linf', eps: 0.03, version: 'rand' });
    expect(rand.settings.attacks).toEqual(['apgd-ce', 'apgd-dlr']);
    expect(rand.settings.eotIter).toBe(20);
    const custom = autoAttack({ norm: 'l2', eps: 0.5, version: 'custom', attacks: ['square'] });
    expect(custom.settings.attacks).toEqual(['square']);
    const standard = autoAttack({ norm: 'linf', eps: 0.03 });
    expect(standard.settings).toMatchObject({
      version: 'standard',
      nIter: 100,
      nQueries: 5000,
      nTargetClasses: 9,
      budget: 1,
    });
    expect(standard.name).toBe('autoattack-standard');
    expect(standard.effort).toEqual({ steps: 100, restarts: 1, targets: 9 });
    expect(autoAttack({ norm: 'linf', eps: 0.03, nTargets: 3 }).name).toBe('autoattack-reduced');
    expect(autoAttack({ norm: 'linf', eps: 0.03, version: 'rand', eotIter: 5 }).name).toBe('autoattack-rand-reduced');
    expect(() => autoAttack({ norm: 'linf', eps: 0.03, version: 'custom' })).toThrow(/attacks/);
    expect(() => autoAttack({ norm: 'linf', eps: 0.03, attacks: ['square'] })).toThrow(/custom/);
    expect(() => autoAttack({ norm: 'linf', eps: 0.03, budget: 0 })).toThrow(/budget/);
    expect(() => autoAttack({ norm: 'l1' as 'l2', eps: 0.03 })).toThrow(/norm/);
  });
});
