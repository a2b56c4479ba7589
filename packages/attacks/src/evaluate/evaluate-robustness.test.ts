import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bpda } from '../adaptive/bpda.ts';
import type { AttackSummary } from '../core/attack-summary.ts';
import { fromLayersModel, type Model } from '../core/model.ts';
import { fgsm } from '../gradient/fgsm.ts';
import { pgd } from '../gradient/pgd.ts';
import { writeJsonAtomic } from '../node/write-json-atomic.ts';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { attackComparisonFlags } from './attack-comparison-flags.ts';
import { epsilonSweep } from './epsilon-sweep.ts';
import { evaluateRobustness } from './evaluate-robustness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: [number, number, number, number] = [16, 4, 4, 3];

function labelsFor(model: Model, x: tf.Tensor4D, flipEvery = 4): tf.Tensor1D {
  const pred = Array.from(tf.argMax(model(x), 1).dataSync());
  // Mostly the model's own predictions (so clean accuracy is high), a few wrong on purpose.
  return tf.tensor1d(
    pred.map((p, i) => (i % flipEvery === 0 ? (p + 1) % 3 : p)),
    'int32',
  );
}

describe('evaluateRobustness', () => {
  const lin = makeLinearModel(48, 3, 31, 2);
  const x = makeImages(SHAPE, 4, 0.1, 0.9);
  const y = labelsFor(lin.model, x);
  const attacks = () => [fgsm({ eps: 0.03 }), pgd({ eps: 0.03, steps: 10, seed: 1 })];

  it('reports clean, per-attack and worst-case accuracy with settings, and raises no flag on a linear model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-attacks-'));
    const reportPath = join(dir, 'sub', 'report.json');
    const calls: [number, number, string][] = [];
    const report = await evaluateRobustness(lin.model, { x, y }, attacks(), {
      batchSize: 5,
      onProgress: (done, total, label) => calls.push([done, total, label]),
    });
    await writeJsonAtomic(reportPath, report);
    // 12 clean-correct samples in batches of 5, per attack: 5, 10, 12.
    expect(calls).toEqual([
      [5, 12, 'fgsm'],
      [10, 12, 'fgsm'],
      [12, 12, 'fgsm'],
      [5, 12, 'pgd-linf'],
      [10, 12, 'pgd-linf'],
      [12, 12, 'pgd-linf'],
    ]);
    expect(report.numSamples).toBe(16);
    expect(report.numClasses).toBe(3);
    expect(report.cleanAccuracy).toBeCloseTo(12 / 16, 10);
    expect(report.attacks.map((a) => a.name)).toEqual(['fgsm', 'pgd-linf']);
    for (const a of report.attacks) {
      expect(a.accuracy).toBeLessThanOrEqual(report.cleanAccuracy);
      expect(a.maxNorm).toBeLessThanOrEqual(0.03 + 1e-6);
      expect(a.attacked).toBe(12);
      expect(a.settings.eps).toBe(0.03);
    }
    const worst = Math.min(...report.attacks.map((a) => a.accuracy));
    expect(report.worstCaseAccuracy).toBeLessThanOrEqual(worst);
    expect(report.robust.filter(Boolean).length / 16).toBeCloseTo(report.worstCaseAccuracy, 10);
    expect(report.flags).toEqual([]);
    const onDisk = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(onDisk.worstCaseAccuracy).toBe(report.worstCaseAccuracy);
    expect(onDisk.attacks[1].settings.steps).toBe(10);
  });

  it('raises no flag on a small CNN', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [4, 4, 3],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const model = fromLayersModel(net);
    const yc = labelsFor(model, x);
    const report = await evaluateRobustness(model, { x, y: yc }, attacks());
    expect(report.flags.map((f) => f.id)).toEqual([]);
  });

  it('flags a quantised (gradient-masked) model, and BPDA removes the masking', async () => {
    const quantise = (v: tf.Tensor4D) => tf.div(tf.round(tf.mul(v, 8)), 8) as tf.Tensor4D;
    const masked: Model = (v) => lin.model(quantise(v));
    const ym = labelsFor(masked, x);
    const report = await evaluateRobustness(masked, { x, y: ym }, attacks());
    const ids = report.flags.map((f) => f.id);
    expect(ids).toContain('zero-gradients');
    const zero = report.flags.find((f) => f.id === 'zero-gradients');
    expect(zero?.fix).toMatch(/bpda/i);
    const ste: Model = (v) => lin.model(bpda(quantise, (u: tf.Tensor4D) => u)(v));
    const fixed = await evaluateRobustness(ste, { x, y: ym }, attacks());
    expect(fixed.flags.map((f) => f.id)).not.toContain('zero-gradients');
    // Same forward function, so clean accuracy is identical; BPDA attacks are at least as strong.
    expect(fixed.cleanAccuracy).toBe(report.cleanAccuracy);
    expect(fixed.worstCaseAccuracy).toBeLessThanOrEqual(report.worstCaseAccuracy);
  });

  it('flags probability outputs and randomised models', async () => {
    const probs: Model = (v) => tf.softmax(lin.model(v));
    const r1 = await evaluateRobustness(probs, { x, y }, []);
    expect(r1.flags.map((f) => f.id)).toContain('probability-outputs');
    const noisy: Model = (v) =>
      lin.model(tf.clipByValue(tf.add(v, tf.randomNormal(v.shape, 0, 0.2)), 0, 1) as tf.Tensor4D);
    const r2 = await evaluateRobustness(noisy, { x, y }, []);
    expect(r2.flags.map((f) => f.id)).toContain('randomized-model');
    expect(r2.flags.find((f) => f.id === 'randomized-model')?.fix).toMatch(/eot/i);
  });

  it('leaves no tensors behind', async () => {
    await evaluateRobustness(lin.model, { x, y }, attacks());
    const before = tf.memory().numTensors;
    await evaluateRobustness(lin.model, { x, y }, attacks());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad data with clear errors', async () => {
    await expect(evaluateRobustness(lin.model, { x, y: tf.tensor1d([0, 1], 'int32') }, [])).rejects.toThrow(/2 labels/);
    const y5 = tf.tensor1d(
      Array.from({ length: 16 }, () => 5),
      'int32',
    );
    await expect(evaluateRobustness(lin.model, { x, y: y5 }, [])).rejects.toThrow(/\[0, 3\)/);
  });
});

describe('attackComparisonFlags', () => {
  const eps = 8 / 255;
  const base = (name: string, accuracy: number, extra: Partial<AttackSummary> = {}): AttackSummary => ({
    name,
    threat: { norm: 'linf', eps },
    family: 'gradient',
    effort: { steps: 10, restarts: 1 },
    settings: { loss: 'ce', targeted: false },
    accuracy,
    attacked: 100,
    successes: 0,
    seconds: 1,
    maxNorm: eps,
    pixelRange: [0, 1],
    inconsistent: 0,
    ...extra,
  });
  const single = { effort: { steps: 1, restarts: 1 } };
  it('flags a single-step attack stronger than a multi-step one (masking) but not the normal order', () => {
    expect(attackComparisonFlags(0.9, [base('fgsm', 0.4, single), base('pgd-20', 0.5)]).map((f) => f.id)).toEqual([
      'fgsm-stronger-than-pgd',
    ]);
    expect(attackComparisonFlags(0.9, [base('fgsm', 0.5, single), base('pgd-20', 0.4)])).toEqual([]);
    // Different budgets are not compared.
    const smaller = { ...single, threat: { norm: 'linf' as const, eps: 4 / 255 }, maxNorm: 4 / 255 };
    expect(attackComparisonFlags(0.9, [base('fgsm', 0.4, smaller), base('pgd-20', 0.5)])).toEqual([]);
  });
  it('reads family and effort, never the name', () => {
    // Names that say nothing: a one-step gradient attack and a 100-step one (APGD counts its steps too).
    const ids = attackComparisonFlags(0.9, [
      base('mine', 0.4, single),
      base('other', 0.5, { effort: { steps: 100, restarts: 1 } }),
    ]).map((f) => f.id);
    expect(ids).toEqual(['fgsm-stronger-than-pgd']);
    // Called 'fgsm' and 'square' but in fact multi-step gradient attacks: no single-step or black-box finding.
    expect(attackComparisonFlags(0.9, [base('fgsm', 0.4), base('square', 0.3)]).map((f) => f.id)).toEqual([]);
  });
  it('flags a gradient-free attack beating gradient ones by more than the threshold (a fraction)', () => {
    const free = { family: 'gradient-free' as const, effort: { steps: 5000, restarts: 1 } };
    const list = [base('apgd-ce', 0.5), base('black-box', 0.4985, free)];
    expect(attackComparisonFlags(0.9, list)).toEqual([]);
    expect(attackComparisonFlags(0.9, [base('apgd-ce', 0.5), base('black-box', 0.49, free)]).map((f) => f.id)).toEqual([
      'black-box-beats-white-box',
    ]);
    expect(attackComparisonFlags(0.9, list, { blackBoxMargin: 0.001 }).map((f) => f.id)).toEqual([
      'black-box-beats-white-box',
    ]);
    expect(() => attackComparisonFlags(0.9, list, { blackBoxMargin: 0.2 * 100 })).toThrow(/blackBoxMargin/);
  });
  it('flags more effort that is weaker than less (same loss and budget)', () => {
    const short = base('a', 0.4, { effort: { steps: 10, restarts: 1 } });
    const long = base('b', 0.45, { effort: { steps: 10, restarts: 10 } });
    expect(attackComparisonFlags(0.9, [short, long]).map((f) => f.id)).toEqual(['more-steps-weaker']);
    expect(attackComparisonFlags(0.9, [short, { ...long, accuracy: 0.39 }])).toEqual([]);
    const cw = { ...long, settings: { ...long.settings, loss: 'cw' } };
    expect(attackComparisonFlags(0.9, [short, cw])).toEqual([]);
  });

  it('flags robust above clean, budget and box violations', () => {
    const ids = attackComparisonFlags(0.5, [
      base('pgd', 0.6),
      base('pgd-b', 0.4, { maxNorm: 0.1 }),
      base('pgd-c', 0.4, { pixelRange: [-0.1, 1] }),
    ]).map((f) => f.id);
    expect(ids).toEqual(['robust-above-clean', 'budget-violation', 'box-violation']);
  });
});

describe('epsilonSweep', () => {
  const lin = makeLinearModel(48, 3, 31, 2);
  const x = makeImages(SHAPE, 4, 0.1, 0.9);
  const y = labelsFor(lin.model, x, 100);
  it('accuracy falls to 0 on a linear model, and no flag fires', async () => {
    const r = await epsilonSweep(
      lin.model,
      { x, y },
      (eps) => pgd({ eps, steps: 10, stepSize: eps / 4 }),
      [0, 0.05, 0.5, 1],
    );
    expect(r.points.map((p) => p.eps)).toEqual([0, 0.05, 0.5, 1]);
    expect(r.points[0]?.accuracy).toBe(r.cleanAccuracy);
    for (let i = 1; i < r.points.length; i++) {
      expect(r.points[i]?.accuracy).toBeLessThanOrEqual(r.points[i - 1]?.accuracy ?? 1);
    }
    expect(r.points[3]?.accuracy).toBe(0);
    expect(r.flags).toEqual([]);
  });
  it('copes with a model that gets every clean point wrong', async () => {
    const wrong = tf.tensor1d(
      Array.from(tf.argMax(lin.model(x), 1).dataSync(), (p) => (p + 1) % 3),
      'int32',
    );
    const r = await epsilonSweep(lin.model, { x, y: wrong }, (eps) => pgd({ eps, steps: 2 }), [0.1]);
    expect(r.cleanAccuracy).toBe(0);
    expect(r.points[0]?.accuracy).toBe(0);
    const e = await evaluateRobustness(lin.model, { x, y: wrong }, [pgd({ eps: 0.1, steps: 2 })]);
    expect(e.worstCaseAccuracy).toBe(0);
    expect(e.attacks[0]?.attacked).toBe(0);
  });

  it('a masked model does not fall to 0 and is flagged', async () => {
    const masked: Model = (v) => lin.model(tf.div(tf.round(tf.mul(v, 2)), 2) as tf.Tensor4D);
    const ym = labelsFor(masked, x, 100);
    const r = await epsilonSweep(masked, { x, y: ym }, (eps) => pgd({ eps, steps: 5, randomStart: false }), [0.1, 1]);
    expect(r.flags.map((f) => f.id)).toContain('accuracy-not-falling-to-zero');
  });
});
