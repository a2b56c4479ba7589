// Issue 13: a DL model (RISTA step size 'auto', as every CLI model) killed and resumed must end bit for bit where the
// uninterrupted run ends, weights and metrics. The kill is simulated by `shouldStop` (the trainer writes a checkpoint
// and returns, as on SIGINT); the resumed run starts from a fresh, differently initialised model that the checkpoint
// replaces. The vanilla -> elastic switch is tried both before and after the kill.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@edl/datasets';
import { applyConstraints, getBetas } from '@edl/layers';
import { resnet, toElastic } from '@edl/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgdAT } from '../methods/pgd-at.ts';
import { directoryStore } from '../store/directory-store.ts';
import type { EpochMetrics } from '../store/epoch-metrics.ts';
import { memoryStore } from '../store/memory-store.ts';
import type { TrainingStore } from '../store/training-store.ts';
import type { LabelledImages } from './labelled-images.ts';
import { cosineLr } from './lr-schedule.ts';
import { train } from './trainer.ts';
import type { TrainOptions } from './trainer-options.ts';

type Conv = 'standard' | 'vanilla' | 'robust' | 'elastic';

function data(count: number, seed: number): LabelledImages {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: count * 64 }, () => rng.uniform());
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  for (let i = 0; i < count; i++) for (let p = 0; p < 8; p++) images[i * 64 + labels[i]! * 16 + p] = 1;
  return { images, labels, count, height: 8, width: 8, channels: 1, numClasses: 3 };
}

const threat = { eps: 0.1, stepSize: 0.05, steps: 1 };
const model = (conv: Conv, seed: number) =>
  resnet({
    depth: 10,
    conv,
    numClasses: 3,
    inputShape: [8, 8, 1],
    widthMultiplier: 1 / 32,
    ...(conv === 'standard' ? {} : { steps: 2 }), // stepSize 'auto': the power iteration runs at every training call
    seed,
  });

/** 3 epochs of 2 steps, as the CLI trains: PGD-AT, cosine schedule, Nesterov SGD with weight decay, early stopping. */
function options(conv: Conv, store: TrainingStore, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    model: model(conv, 3),
    method: pgdAT(threat),
    train: data(16, 1),
    test: data(8, 2),
    epochs: 3,
    batchSize: 8,
    lr: cosineLr({ base: 0.05, epochs: 3, min: 0 }),
    sgd: { momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
    seed: 5,
    monitor: { trainSubset: 8, testSubset: 8, attack: threat },
    earlyStoppingPatience: 5,
    applyConstraints: (m) => applyConstraints(m),
    betas: (m) => Object.fromEntries(getBetas(m).map((b) => [b.layer, b.beta])),
    store,
    ...extra,
  };
}

const withSwitch = (epoch: number): Partial<TrainOptions> => ({
  elasticSwitch: { epoch, toElastic: (m) => toElastic(m, { beta: 1, trainBeta: true }) },
});

const bits = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(new Uint32Array(w.dataSync().slice().buffer)));
/** The metrics without the wall-clock time. */
const comparable = (metrics: readonly EpochMetrics[]) => metrics.map(({ seconds: _s, ...rest }) => rest);

interface Case {
  name: string;
  conv: Conv;
  extra: Partial<TrainOptions>;
  stop: { epoch: number; step: number };
}

// Uninterrupted runs are shared between the cases that differ only in where the kill falls.
const switchAt1 = { ...withSwitch(1), epochs: 3 };
const switchAt2 = { ...withSwitch(2), epochs: 3 };
const single = { epochs: 2 };
const cases: Case[] = [
  {
    name: 'vanilla -> elastic, switch before the kill',
    conv: 'vanilla',
    extra: switchAt1,
    stop: { epoch: 2, step: 0 },
  },
  {
    name: 'vanilla -> elastic, killed mid-epoch after the switch',
    conv: 'vanilla',
    extra: switchAt1,
    stop: { epoch: 1, step: 1 },
  },
  { name: 'vanilla -> elastic, switch after the kill', conv: 'vanilla', extra: switchAt2, stop: { epoch: 1, step: 0 } },
  { name: 'standard', conv: 'standard', extra: single, stop: { epoch: 1, step: 1 } },
  { name: 'robust', conv: 'robust', extra: single, stop: { epoch: 1, step: 0 } },
  { name: 'elastic', conv: 'elastic', extra: single, stop: { epoch: 1, step: 1 } },
];

const uninterrupted = new Map<string, { bits: number[][]; metrics: unknown[] }>();
async function uninterruptedRun(conv: Conv, extra: Partial<TrainOptions>) {
  const key = `${conv} ${extra.epochs} ${extra.elasticSwitch?.epoch}`;
  let run = uninterrupted.get(key);
  if (!run) {
    const store = memoryStore();
    const full = await train(options(conv, store, extra));
    expect(full.interrupted).toBe(false);
    expect(store.metrics).toHaveLength(extra.epochs!);
    run = { bits: bits(full.model), metrics: comparable(store.metrics) };
    full.model.dispose();
    uninterrupted.set(key, run);
  }
  return run;
}

describe('DL models resume bit-exactly (issue 13)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of cases) {
    it(`${c.name}: killed at epoch ${c.stop.epoch} step ${c.stop.step}, resumed == uninterrupted, bit for bit`, async () => {
      const expected = await uninterruptedRun(c.conv, c.extra);
      const dir = mkdtempSync(join(tmpdir(), 'edl-resume-dl-'));
      const first = await train(
        options(c.conv, directoryStore(dir), {
          ...c.extra,
          shouldStop: ({ epoch, step }) => epoch === c.stop.epoch && step === c.stop.step,
        }),
      );
      expect(first.interrupted).toBe(true);
      first.model.dispose();
      // a fresh, differently initialised model, as a new process builds: the checkpoint must replace all of it
      const resumed = await train(
        options(c.conv, directoryStore(dir), { ...c.extra, model: model(c.conv, 99), resume: true }),
      );
      expect(resumed.interrupted).toBe(false);
      expect(bits(resumed.model)).toEqual(expected.bits);
      expect(comparable([...first.history, ...resumed.history])).toEqual(expected.metrics);
      resumed.model.dispose();
    });
  }

  it('resumes bit-exactly from the in-memory store too (vanilla -> elastic)', async () => {
    const expected = await uninterruptedRun('vanilla', switchAt1);
    const store = memoryStore();
    const first = await train(options('vanilla', store, { ...switchAt1, shouldStop: (p) => p.epoch === 2 }));
    first.model.dispose();
    const resumed = await train(options('vanilla', store, { ...switchAt1, model: model('vanilla', 99), resume: true }));
    expect(bits(resumed.model)).toEqual(expected.bits);
    expect(comparable(store.metrics)).toEqual(expected.metrics);
    resumed.model.dispose();
  });
});
