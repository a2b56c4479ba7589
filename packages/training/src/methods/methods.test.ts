import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstIndices, gatherBatch } from '../loop/labelled-images.ts';
import { Sgd } from '../loop/sgd.ts';
import { logitsOf } from '../loop/trainer.ts';
import { modelStepContext } from '../testing/model-step-context.ts';
import { toyData, toyModel } from '../testing/toy-problem.ts';
import { awp } from './awp.ts';
import { hat } from './hat.ts';
import { mart } from './mart.ts';
import { pgdAT } from './pgd-at.ts';
import { standardTraining } from './standard-training.ts';
import { trades } from './trades.ts';
import type { StepContext, TrainingMethod } from './training-method.ts';

const threat = { eps: 0.1, stepSize: 0.04, steps: 3 };

/** Runs `steps` steps of a method on a fixed batch; returns the losses each step reported. */
function run(method: (model: tf.LayersModel) => TrainingMethod, steps: number): number[] {
  const model = toyModel(1);
  const data = toyData(48, 2);
  const { x, y } = gatherBatch(data, firstIndices(data, 48));
  const sgd = new Sgd({ momentum: 0.9 });
  const losses: number[] = [];
  const m = method(model);
  for (let i = 0; i < steps; i++) {
    const ctx = modelStepContext(model, sgd);
    losses.push(m.step(ctx, x, y));
  }
  sgd.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return losses;
}

describe('training methods', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const helper = toyModel(9);
  const cases: [string, (model: tf.LayersModel) => TrainingMethod][] = [
    ['standard', () => standardTraining()],
    ['pgd-at', () => pgdAT(threat)],
    ['trades', () => trades({ ...threat, beta: 6 })],
    ['mart', () => mart({ ...threat, beta: 6 })],
    ['hat', () => hat({ ...threat, helper: (x) => logitsOf(helper, x, false) })],
    ['pgd-at+awp', () => awp(pgdAT(threat))],
  ];
  for (const [name, make] of cases) {
    it(`${name}: 15 steps reduce its own loss and leak nothing`, () => {
      const before = tf.memory().numTensors;
      const losses = run(make, 15);
      expect(losses.every(Number.isFinite)).toBe(true);
      const first = (losses[0]! + losses[1]!) / 2;
      const last = (losses[13]! + losses[14]!) / 2;
      expect(last).toBeLessThan(first * 0.9);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('the adversarial loss is above the clean loss (the inner attack works)', () => {
    const model = toyModel(3);
    const data = toyData(30, 4);
    const { x, y } = gatherBatch(data, firstIndices(data, 30));
    let clean = 0;
    let adv = 0;
    const ctx = (which: 'clean' | 'adv'): StepContext => ({
      forward: (xb, training) => logitsOf(model, xb, training),
      numClasses: 3,
      variables: [],
      stateVariables: [],
      seed: 1,
      update: (lossFn) => {
        const v = tf.tidy(() => lossFn().dataSync()[0]!);
        if (which === 'clean') clean = v;
        else adv = v;
        return v;
      },
    });
    standardTraining().step(ctx('clean'), x, y);
    pgdAT(threat).step(ctx('adv'), x, y);
    expect(adv).toBeGreaterThan(clean + 0.01);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('model.apply(x, { training: true }) updates BatchNorm moving statistics; eval mode does not', () => {
    const model = toyModel(5);
    const data = toyData(12, 6);
    const { x, y } = gatherBatch(data, firstIndices(data, 12));
    const movingMean = () => Array.from(model.layers[2]!.getWeights()[2]!.dataSync());
    const m0 = movingMean();
    tf.tidy(() => logitsOf(model, x, false));
    expect(movingMean()).toEqual(m0);
    tf.tidy(() => logitsOf(model, x, true));
    const m1 = movingMean();
    expect(m1.some((v, i) => Math.abs(v - m0[i]!) > 1e-6)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('bad threat models are rejected with the method named', () => {
    expect(() => pgdAT({ eps: 0, stepSize: 0.1, steps: 3 })).toThrow(/pgdAT: eps/);
    expect(() => trades({ ...threat, beta: -1 })).toThrow(/trades: beta/);
    expect(() => mart({ ...threat, steps: 0, beta: 6 })).toThrow(/mart: steps/);
  });
});
