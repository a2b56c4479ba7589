import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgdAT } from '../methods/pgd-at.ts';
import { defaultStore, readCheckpoint, writeCheckpoint } from '../store/checkpoint-store.ts';
import { readMetrics } from '../store/metrics-log.ts';
import { toyModel } from '../testing/toy-problem.ts';
import { toyThreat as threat, toyTrainOptions } from '../testing/toy-train-options.ts';
import { constantLr } from './lr-schedule.ts';
import { train } from './trainer.ts';
import type { TrainOptions } from './trainer-options.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-train-'));
const options = toyTrainOptions;

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('train', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('writes one complete JSON line per epoch and a checkpoint, and lowers the loss', async () => {
    const dir = tmp();
    const { history, model } = await train(options(dir, { lr: constantLr(0.1), epochs: 4 }));
    const lines = readMetrics(join(dir, 'metrics.jsonl'));
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    for (const l of lines) {
      expect(l.phase).toBe('single');
      expect(l.lr).toBeCloseTo(0.1, 10);
      for (const k of ['loss', 'trainNatural', 'trainRobust', 'testNatural', 'testRobust', 'seconds'] as const) {
        expect(Number.isFinite(l[k])).toBe(true);
      }
      expect(l.testRobust).toBeLessThanOrEqual(l.testNatural + 1e-9);
    }
    expect(history[3]!.loss).toBeLessThan(history[0]!.loss);
    expect(existsSync(join(dir, 'checkpoints', 'latest.json'))).toBe(true);
    model.dispose();
  });

  it('resumes exactly: stopped after epoch 1 or mid-epoch 2, resumed == uninterrupted, bitwise', async () => {
    const full = await train(options(tmp()));
    const expected = weightsOf(full.model);
    full.model.dispose();

    for (const stopAt of [
      { epoch: 1, step: 0 },
      { epoch: 1, step: 2 },
    ]) {
      const dir = tmp();
      const first = await train(
        options(dir, { shouldStop: (p) => p.epoch === stopAt.epoch && p.step === stopAt.step }),
      );
      expect(first.interrupted).toBe(true);
      first.model.dispose();
      // a fresh process would build a fresh (differently initialised) model: the checkpoint must override it
      const resumed = await train(options(dir, { model: toyModel(99), resume: true }));
      expect(resumed.interrupted).toBe(false);
      expect(weightsOf(resumed.model)).toEqual(expected);
      expect(readMetrics(join(dir, 'metrics.jsonl')).map((l) => l.epoch)).toEqual([1, 2, 3]);
      resumed.model.dispose();
    }
  });

  it('SIGINT to a training process writes a checkpoint; resuming it equals the uninterrupted run', async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      [
        '--conditions=@edl/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'testing', 'sigint-child.ts'),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let steps = 0;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const before = steps;
      steps = (output.match(/STEP/g) ?? []).length;
      if (before < 7 && steps >= 7) child.kill('SIGINT'); // during epoch 2 (5 steps per epoch)
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toContain('INTERRUPTED');
    expect(code).toBe(130);
    const state = (await readCheckpoint(join(dir, 'checkpoints'))).state;
    expect(state.epoch * 5 + state.step).toBeGreaterThanOrEqual(7);
    expect(state.epoch).toBeLessThan(3);
    const slow = (inner: TrainOptions['method']): TrainOptions['method'] => ({ name: 'slow-pgd-at', step: inner.step });
    const resumed = await train(options(dir, { model: toyModel(5), resume: true, method: slow(pgdAT(threat)) }));
    const full = await train(options(tmp(), { method: slow(pgdAT(threat)) }));
    expect(weightsOf(resumed.model)).toEqual(weightsOf(full.model));
    resumed.model.dispose();
    full.model.dispose();
  });

  it('keeps tf.memory().numTensors flat over many steps', async () => {
    const run = async (epochs: number) => {
      const before = tf.memory().numTensors;
      const r = await train(options(tmp(), { epochs, monitor: { attack: null, trainSubset: 8, testSubset: 8 } }));
      const after = tf.memory().numTensors;
      r.model.dispose();
      return after - before;
    };
    const short = await run(1);
    const long = await run(6);
    expect(long).toBe(short);
  });

  it('switches vanilla -> elastic at the given epoch with its own learning rate', async () => {
    let switched = 0;
    const dir = tmp();
    const r = await train(
      options(dir, {
        epochs: 3,
        elasticSwitch: {
          epoch: 2,
          toElastic: (m) => {
            switched++;
            return m;
          },
          lr: constantLr(0.001),
        },
      }),
    );
    expect(switched).toBe(1);
    const lines = readMetrics(join(dir, 'metrics.jsonl'));
    expect(lines.map((l) => l.phase)).toEqual(['vanilla', 'vanilla', 'elastic']);
    expect(lines[2]!.lr).toBeCloseTo(0.001, 10);
    r.model.dispose();
  });

  it('early stopping ends the run and keeps the best model', async () => {
    const dir = tmp();
    // lr 0 never improves after the first epoch
    const r = await train(options(dir, { epochs: 10, lr: () => 0, earlyStoppingPatience: 2 }));
    expect(r.stoppedEarly).toBe(true);
    expect(readMetrics(join(dir, 'metrics.jsonl'))).toHaveLength(3);
    expect(existsSync(join(dir, 'best', 'model.json'))).toBe(true);
    r.model.dispose();
  });

  it('a crash while writing a checkpoint leaves the previous checkpoint intact', async () => {
    const dir = tmp();
    const r = await train(options(dir, { epochs: 1 }));
    const root = join(dir, 'checkpoints');
    const before = readFileSync(join(root, 'latest.json'), 'utf8');
    const crashing = {
      ...defaultStore,
      save: async () => {
        throw new Error('simulated crash during write');
      },
    };
    await expect(
      writeCheckpoint(root, r.model, { buffers: [] }, { ...(await readCheckpoint(root)).state, epoch: 7 }, crashing),
    ).rejects.toThrow(/simulated crash/);
    expect(readFileSync(join(root, 'latest.json'), 'utf8')).toBe(before);
    const ckpt = await readCheckpoint(root);
    expect(ckpt.state.epoch).toBe(1);
    expect(weightsOf(ckpt.model)).toEqual(weightsOf(r.model));
    expect(readdirSync(root).filter((e) => e.startsWith('ckpt-')).length).toBeGreaterThanOrEqual(1);
    r.model.dispose();
    ckpt.model.dispose();
  });

  it('rejects bad options with named errors', async () => {
    await expect(train(options(tmp(), { epochs: 0 }))).rejects.toThrow(/epochs/);
    await expect(train(options(tmp(), { batchSize: 2.5 }))).rejects.toThrow(/batchSize/);
    await expect(train(options(tmp(), { elasticSwitch: { epoch: 9, toElastic: (m) => m } }))).rejects.toThrow(
      /elasticSwitch.epoch/,
    );
  });
});
