import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstIndices, gatherBatch } from '../loop/labelled-images.ts';
import { Sgd } from '../loop/sgd.ts';
import { logitsOf } from '../loop/trainer.ts';
import { modelStepContext } from '../testing/model-step-context.ts';
import { toyData, toyModel } from '../testing/toy-problem.ts';
import { innerMaximize } from './inner-maximization.ts';
import { crossEntropy, oneHotLabels } from './losses.ts';
import { checkMixupOptions, mixupInPlace } from './mixup.ts';
import { pgdAT } from './pgd-at.ts';
import { standardTraining } from './standard-training.ts';
import type { StepContext, TrainingMethod } from './training-method.ts';

const threat = { eps: 0.1, stepSize: 0.04, steps: 2 };

/** Independent reference: λ·CE(z, y_a) + (1 − λ)·CE(z, y_b), batch mean, in float64. */
function mixedCeReference(logits: number[][], ya: number[], yb: number[], lambda: number): number {
  let total = 0;
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    total += lambda * (lse - z[ya[i]!]!) + (1 - lambda) * (lse - z[yb[i]!]!);
  });
  return total / logits.length;
}

/** A mixed batch of the toy problem: images, labels, soft labels, λ and π (alpha 1, fixed seed). */
function mixedToyBatch(count: number, seed: number) {
  const data = toyData(count, 2);
  const labels = Int32Array.from(data.labels);
  let mix: ReturnType<typeof mixupInPlace> | undefined;
  const { x, y } = gatherBatch(data, firstIndices(data, count), (p) => {
    mix = mixupInPlace(p, labels, 3, { alpha: 1 }, seed);
    return p;
  });
  const soft = tf.tensor2d(mix!.soft, [count, 3]);
  return { x, y, soft, labels, lambda: mix!.lambda, permutation: mix!.permutation };
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('mixup', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('mixes pixels with one λ and a permutation; CE on the soft labels is the λ-weighted CE (fixed logits)', () => {
    const n = 4;
    const labels = Int32Array.from([0, 1, 2, 1]);
    const pixels = Float32Array.from({ length: n * 2 }, (_, i) => i / 10);
    const orig = pixels.slice();
    const { soft, lambda, permutation } = mixupInPlace(pixels, labels, 3, { alpha: 1 }, 12345);
    expect(lambda).toBeGreaterThan(0.01);
    expect(lambda).toBeLessThan(0.99);
    expect([...permutation].sort()).toEqual([0, 1, 2, 3]);
    expect([...permutation]).not.toEqual([0, 1, 2, 3]);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 2; k++) {
        const want = lambda * orig[i * 2 + k]! + (1 - lambda) * orig[permutation[i]! * 2 + k]!;
        expect(pixels[i * 2 + k]).toBeCloseTo(want, 6);
      }
    }
    const z = [
      [2.0, -1.0, 0.5],
      [0.3, 1.7, -2.2],
      [-0.4, 0.1, 0.9],
      [1.1, 1.0, -3.0],
    ];
    const ya = [...labels];
    const yb = [...permutation].map((j) => labels[j]!);
    const want = mixedCeReference(z, ya, yb, lambda);
    const logits = tf.tensor2d(z);
    const target = tf.tensor2d(soft, [n, 3]);
    expect(crossEntropy(logits, target).dataSync()[0]).toBeCloseTo(want, 5);
    // standardTraining's loss on the same logits with these soft labels is that mixed loss too
    const ctx: StepContext = {
      forward: () => tf.clone(logits),
      numClasses: 3,
      variables: [],
      stateVariables: [],
      seed: 0,
      softLabels: target,
      update: (lossFn) => tf.tidy(() => lossFn().dataSync()[0]!),
    };
    const x = tf.zeros([n, 1, 2, 1]) as tf.Tensor4D;
    const y = tf.tensor1d(labels, 'int32');
    expect(standardTraining().step(ctx, x, y)).toBeCloseTo(want, 5);
    // ... and differs from the plain CE on y, so the soft labels are really used
    expect(Math.abs(mixedCeReference(z, ya, ya, 1) - want)).toBeGreaterThan(0.05);
    tf.dispose([logits, target, x, y]);
  });

  it('is reproducible per seed and differs across seeds', () => {
    const run = (seed: number) => {
      const p = Float32Array.from({ length: 24 }, (_, i) => (i % 7) / 7);
      const r = mixupInPlace(p, Int32Array.from([0, 1, 2, 0, 1, 2]), 3, { alpha: 0.8 }, seed);
      return { p: [...p], soft: [...r.soft], lambda: r.lambda };
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3).lambda).not.toBe(run(4).lambda);
  });

  it('PGD-AT crafts x′ against the soft-label CE on the mixed batch and trains with the mixed loss', () => {
    const { x, y, soft } = mixedToyBatch(12, 21);
    const model = toyModel(3);
    const sgd = new Sgd({});
    const loss = pgdAT(threat).step(modelStepContext(model, sgd, soft), x, y);
    sgd.dispose();
    // reference from the initial weights: the attack and the loss both on soft labels (training-mode loss)
    const fresh = toyModel(3);
    const softCeSum = (logits: tf.Tensor2D) => tf.tidy(() => tf.mul(crossEntropy(logits, soft), 12) as tf.Scalar);
    const advSoft = innerMaximize((xa) => logitsOf(fresh, xa, false), x, softCeSum, {
      ...threat,
      init: 'uniform',
      seed: 7,
    });
    const want = tf.tidy(() => crossEntropy(logitsOf(fresh, advSoft, true), soft).dataSync()[0]!);
    expect(loss).toBeCloseTo(want, 5);
    // x′ stays in the ε-ball around the mixed input, and a hard-label attack would give a different loss
    expect(tf.max(tf.abs(tf.sub(advSoft, x))).dataSync()[0]).toBeLessThanOrEqual(threat.eps + 1e-6);
    const hard = oneHotLabels(y, 3);
    const advHard = innerMaximize(
      (xa) => logitsOf(fresh, xa, false),
      x,
      (logits) => tf.tidy(() => tf.mul(crossEntropy(logits, hard), 12) as tf.Scalar),
      { ...threat, init: 'uniform', seed: 7 },
    );
    const other = tf.tidy(() => crossEntropy(logitsOf(fresh, advHard, true), soft).dataSync()[0]!);
    expect(Math.abs(other - want)).toBeGreaterThan(1e-4);
    tf.dispose([x, y, soft, advSoft, advHard, hard]);
    model.dispose();
    fresh.dispose();
  });

  const methods: [string, () => TrainingMethod][] = [
    ['standard', () => standardTraining()],
    ['pgd-at', () => pgdAT(threat)],
  ];

  for (const [name, make] of methods) {
    it(`${name}: λ = 1 (x̃ = x, soft = one-hot y) gives exactly the plain step`, () => {
      const data = toyData(12, 2);
      const { x, y } = gatherBatch(data, firstIndices(data, 12));
      const hard = oneHotLabels(y, 3);
      const runSteps = (soft?: tf.Tensor2D) => {
        const model = toyModel(4);
        const sgd = new Sgd({ momentum: 0.9 });
        const method = make();
        const losses = [0, 1].map(() => method.step(modelStepContext(model, sgd, soft), x, y));
        const w = weightsOf(model);
        sgd.dispose();
        model.dispose();
        return { losses, w };
      };
      const plain = runSteps();
      const mixed = runSteps(hard);
      expect(mixed.losses[0]).toBeCloseTo(plain.losses[0]!, 6);
      expect(mixed.losses[1]).toBeCloseTo(plain.losses[1]!, 6);
      mixed.w.forEach((w, i) => {
        w.forEach((v, k) => {
          expect(v).toBeCloseTo(plain.w[i]![k]!, 6);
        });
      });
      // the weights moved, so the comparison is not vacuous
      const init = toyModel(4);
      expect(weightsOf(init)[0]).not.toEqual(plain.w[0]);
      init.dispose();
      tf.dispose([x, y, hard]);
    });

    it(`${name}: a few mixup steps lower the mixed loss on the toy problem, tensor count flat`, () => {
      const { x, y, soft } = mixedToyBatch(24, 5);
      const model = toyModel(1);
      const sgd = new Sgd({ momentum: 0.9 });
      const method = make();
      const mixedLoss = () => tf.tidy(() => crossEntropy(logitsOf(model, x, false), soft).dataSync()[0]!);
      method.step(modelStepContext(model, sgd, soft), x, y); // warm-up: creates the optimizer state
      const before = mixedLoss();
      const tensors = tf.memory().numTensors;
      const losses: number[] = [];
      for (let i = 0; i < 12; i++) losses.push(method.step(modelStepContext(model, sgd, soft), x, y));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
      expect(mixedLoss()).toBeLessThan(before);
      sgd.dispose();
      model.dispose();
      tf.dispose([x, y, soft]);
    });
  }

  it('checkMixupOptions rejects alpha <= 0, NaN, Infinity and non-numbers, naming the option', () => {
    for (const alpha of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      expect(() => checkMixupOptions('train: mixup', { alpha })).toThrow(
        /train: mixup\.alpha must be a finite number > 0/,
      );
    }
    expect(() => checkMixupOptions('train: mixup', { alpha: 0.2 })).not.toThrow();
    expect(() => mixupInPlace(new Float32Array(4), new Int32Array(2), 3, { alpha: 0 }, 1)).toThrow(/alpha/);
  });
});
