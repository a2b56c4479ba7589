import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../core/model.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { rankedClassTargets, targetCount } from './apgd-target-classes.ts';
import { apgdTargeted } from './apgd-targeted.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: [number, number, number, number] = [4, 2, 2, 3];

describe('apgdTargeted', () => {
  it('targets are the 2nd, 3rd, ... highest clean logits; count = min(nTargets, C - 1)', () => {
    const model: Model = () =>
      tf.tensor2d([
        [0.1, 5, 3, -1, 4],
        [9, 8, 7, 6, 5],
      ]);
    const x = makeImages([2, 1, 1, 1]);
    expect(Array.from(rankedClassTargets(model, x, 2).dataSync())).toEqual([4, 1]);
    expect(Array.from(rankedClassTargets(model, x, 3).dataSync())).toEqual([2, 2]);
    expect(Array.from(rankedClassTargets(model, x, 5).dataSync())).toEqual([3, 4]);
    expect(() => rankedClassTargets(model, x, 6)).toThrow(/rank/);
    expect(targetCount(9, 10)).toBe(9);
    expect(targetCount(9, 5)).toBe(4);
  });

  it('runs one APGD per target on still-robust points, fools a linear model, stays in budget', async () => {
    const lin = makeLinearModel(12, 5, 4);
    const x = makeImages(SHAPE, 6, 0.2, 0.8);
    const y = tf.tidy(() => tf.cast(tf.argMax(lin.model(x), 1), 'int32') as tf.Tensor1D);
    const batches: number[] = [];
    const counting: Model = (input) => {
      batches.push(input.shape[0]);
      return lin.model(input);
    };
    const eps = 0.02;
    const res = await apgdTargeted({ eps, steps: 4, nTargets: 9 }).run(counting, x, y);
    expect(Math.max(...res.norms)).toBeLessThanOrEqual(eps + 1e-6);
    const big = await apgdTargeted({ eps: 0.5, steps: 10 }).run(lin.model, x, y);
    expect(big.success).toEqual([true, true, true, true]);
    // 4 targets (C - 1) at most; each target = 1 target-choice call + (iterations + 1) gradient calls.
    // plus 4 calls outside the targets (two class counts, the clean check, the final check).
    expect(batches.length).toBeLessThanOrEqual(4 + 4 * (1 + 5));
    expect(() => apgdTargeted({ eps: 0.1, nTargets: 0 })).toThrow(/nTargets/);
    const three = makeLinearModel(12, 3, 4);
    await expect(apgdTargeted({ eps: 0.1 }).run(three.model, x, tf.tensor1d([0, 0, 0, 0], 'int32'))).rejects.toThrow(
      /4 classes/,
    );
    tf.dispose([res.xAdv, big.xAdv]);
  });
});
