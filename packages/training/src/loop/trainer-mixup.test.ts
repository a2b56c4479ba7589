import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { awp } from '../methods/awp.ts';
import { hat } from '../methods/hat.ts';
import { mart } from '../methods/mart.ts';
import { mixupInPlace } from '../methods/mixup.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { standardTraining } from '../methods/standard-training.ts';
import { trades } from '../methods/trades.ts';
import type { TrainingMethod } from '../methods/training-method.ts';
import { toyModel } from '../testing/toy-problem.ts';
import { toyThreat as threat, toyTrainOptions } from '../testing/toy-train-options.ts';
import { constantLr } from './lr-schedule.ts';
import { deriveSeed, seededPermutation } from './seeds.ts';
import { train } from './trainer.ts';
import { validateTrainOptions } from './validate-train-options.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-mixup-'));
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const quiet = { monitor: { attack: null, trainSubset: 8, testSubset: 8 }, lr: constantLr(0.05) };

describe('train with mixup', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is reproducible per seed, resumes exactly mid-epoch, and really changes training', async () => {
    const run = async (extra: Parameters<typeof toyTrainOptions>[1]) => {
      const r = await train(toyTrainOptions(tmp(), { ...quiet, epochs: 2, mixup: { alpha: 1 }, ...extra }));
      const out = { losses: r.history.map((h) => h.loss), weights: weightsOf(r.model) };
      r.model.dispose();
      return out;
    };
    const a = await run({});
    const b = await run({});
    expect(b).toEqual(a);
    expect(a.losses.every(Number.isFinite)).toBe(true);
    const otherSeed = await run({ seed: 43 });
    expect(otherSeed.losses).not.toEqual(a.losses);
    // same data order (seed 42) without mixup: different losses, so the batches were mixed
    const plain = await train(toyTrainOptions(tmp(), { ...quiet, epochs: 2 }));
    expect(plain.history.map((h) => h.loss)).not.toEqual(a.losses);
    plain.model.dispose();
    // stopped mid-epoch 2 and resumed: draws depend only on (seed, epoch, step), so the result is bitwise equal
    const dir = tmp();
    const stopped = await train(
      toyTrainOptions(dir, {
        ...quiet,
        epochs: 2,
        mixup: { alpha: 1 },
        shouldStop: ({ epoch, step }) => epoch === 1 && step === 2,
      }),
    );
    expect(stopped.interrupted).toBe(true);
    stopped.model.dispose();
    const resumed = await train(
      toyTrainOptions(dir, { ...quiet, epochs: 2, mixup: { alpha: 1 }, model: toyModel(99), resume: true }),
    );
    expect(weightsOf(resumed.model)).toEqual(a.weights);
    resumed.model.dispose();
  });

  it('hands the method the batch mixed with the (seed, epoch, step) draw and its soft labels', async () => {
    const seen: { x: number[]; y: number[]; soft: number[] | null }[] = [];
    const inner = standardTraining();
    const recording: TrainingMethod = {
      name: 'recording',
      acceptsSoftLabels: true,
      step(ctx, x, y) {
        seen.push({
          x: Array.from(x.dataSync()),
          y: Array.from(y.dataSync()),
          soft: ctx.softLabels ? Array.from(ctx.softLabels.dataSync()) : null,
        });
        return inner.step(ctx, x, y);
      },
    };
    const opts = toyTrainOptions(tmp(), { ...quiet, epochs: 1, method: recording, mixup: { alpha: 1 } });
    const r = await train(opts);
    r.model.dispose();
    expect(seen).toHaveLength(5);
    // independent replay of step 0 of epoch 0: data order, gather, then mixup seeded deriveSeed(42, 0, 0, 7)
    const indices = seededPermutation(40, deriveSeed(42, 0, 1)).subarray(0, 8);
    const labels = Int32Array.from(indices, (i) => opts.train.labels[i]!);
    const pixels = new Float32Array(8 * 16);
    indices.forEach((i, k) => {
      pixels.set(opts.train.images.subarray(i * 16, (i + 1) * 16), k * 16);
    });
    const plainPixels = pixels.slice();
    const want = mixupInPlace(pixels, labels, 3, { alpha: 1 }, deriveSeed(42, 0, 0, 7));
    const first = seen[0]!;
    expect(first.y).toEqual([...labels]);
    expect(first.soft).not.toBeNull();
    first.soft!.forEach((v, k) => {
      expect(v).toBeCloseTo(want.soft[k]!, 6);
    });
    first.x.forEach((v, k) => {
      expect(v).toBeCloseTo(pixels[k]!, 6);
    });
    expect(first.x.some((v, k) => Math.abs(v - plainPixels[k]!) > 1e-3)).toBe(true);
    for (let i = 0; i < 8; i++) {
      const row = first.soft!.slice(i * 3, i * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(row[labels[i]!]!).toBeGreaterThanOrEqual(want.lambda - 1e-6);
    }
    // every step draws its own λ
    const lambdas = new Set(seen.map((s) => s.soft!.map((v) => v.toFixed(4)).join()));
    expect(lambdas.size).toBe(5);
  });

  it('standard training with mixup lowers the epoch loss; tf.memory().numTensors stays flat', async () => {
    const run = async (epochs: number) => {
      const before = tf.memory().numTensors;
      const r = await train(
        toyTrainOptions(tmp(), {
          ...quiet,
          lr: constantLr(0.1),
          epochs,
          method: standardTraining(),
          mixup: { alpha: 1 },
        }),
      );
      const after = tf.memory().numTensors;
      const losses = r.history.map((h) => h.loss);
      r.model.dispose();
      return { growth: after - before, losses };
    };
    const short = await run(1);
    const long = await run(6);
    expect(long.growth).toBe(short.growth);
    expect(long.losses[5]).toBeLessThan(long.losses[0]!);
  });

  it('rejects bad alpha and methods without soft-label support, naming the option', () => {
    const helper = toyModel(9);
    const base = toyTrainOptions('unused');
    const check = (method: TrainingMethod, alpha: number) =>
      validateTrainOptions({ ...base, method, mixup: { alpha } });
    for (const alpha of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => check(pgdAT(threat), alpha)).toThrow(/mixup\.alpha must be a finite number > 0/);
    }
    const unsupported: TrainingMethod[] = [
      trades({ ...threat, beta: 6 }),
      mart({ ...threat, beta: 6 }),
      hat({ ...threat, helper: (x) => helper.apply(x) as tf.Tensor2D }),
      awp(pgdAT(threat)),
      awp(trades({ ...threat, beta: 6 })),
    ];
    for (const method of unsupported) {
      expect(() => check(method, 1), method.name).toThrow(
        new RegExp(`train: mixup needs a method that trains on soft labels.*"${method.name.replace('+', '\\+')}"`),
      );
    }
    expect(() => check(standardTraining(), 1)).not.toThrow();
    expect(() => check(pgdAT(threat), 0.2)).not.toThrow();
    helper.dispose();
    base.model.dispose();
  });
});
