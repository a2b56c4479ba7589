import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { readCheckpoint } from './checkpoint-store.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-ckpt-'));

describe('checkpoint files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("keeps early stopping's best = -Infinity through state.json, so a resumed run saves best/", async () => {
    const dir = tmp();
    const root = join(dir, 'checkpoints');
    // stopped during epoch 1, before the first evaluation: best is still -Infinity
    const first = await train(toyTrainOptions(dir, { earlyStoppingPatience: 1, shouldStop: (p) => p.step === 2 }));
    expect(first.interrupted).toBe(true);
    first.model.dispose();
    const [name] = readdirSync(root).filter((e) => e.startsWith('ckpt-'));
    expect(JSON.parse(readFileSync(join(root, name!, 'state.json'), 'utf8')).best).toBe('-Infinity');
    const ckpt = await readCheckpoint(root);
    expect(ckpt.state.best).toBe(Number.NEGATIVE_INFINITY);
    ckpt.model.dispose();
    const resumed = await train(toyTrainOptions(dir, { model: toyModel(3), resume: true, earlyStoppingPatience: 1 }));
    expect(resumed.history.length).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, 'best', 'model.json'))).toBe(true); // the first evaluated epoch is an improvement
    resumed.model.dispose();
  });

  it('reads a best of null written by earlier versions as -Infinity, and names a malformed state field', async () => {
    const dir = tmp();
    const r = await train(toyTrainOptions(dir, { epochs: 1 }));
    r.model.dispose();
    const root = join(dir, 'checkpoints');
    const [name] = readdirSync(root).filter((e) => e.startsWith('ckpt-'));
    const statePath = join(root, name!, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    writeFileSync(statePath, JSON.stringify({ ...state, best: null }));
    const ckpt = await readCheckpoint(root);
    expect(ckpt.state.best).toBe(Number.NEGATIVE_INFINITY);
    ckpt.model.dispose();
    writeFileSync(statePath, JSON.stringify({ ...state, epoch: 'two' }));
    await expect(readCheckpoint(root)).rejects.toThrow(/state\.json: 'epoch' must be a number, got "two"/);
  });

  it('refuses a latest.json that points outside checkpoints/ (even at a valid checkpoint)', async () => {
    const dir = tmp();
    const r = await train(toyTrainOptions(dir, { epochs: 1 }));
    r.model.dispose();
    const root = join(dir, 'checkpoints');
    const [name] = readdirSync(root).filter((e) => e.startsWith('ckpt-'));
    const elsewhere = tmp();
    cpSync(join(root, name!), join(elsewhere, 'ckpt-evil'), { recursive: true }); // a complete checkpoint, outside
    const outside = join('..', '..', elsewhere.split('/').pop()!, 'ckpt-evil');
    for (const target of [outside, `../${name}`, join(elsewhere, 'ckpt-evil'), 'ckpt-a/../../x', 42]) {
      writeFileSync(join(root, 'latest.json'), JSON.stringify({ dir: target }));
      await expect(readCheckpoint(root)).rejects.toThrow(/expected a checkpoint folder 'ckpt-…' directly inside/);
    }
    await expect(train(toyTrainOptions(dir, { model: toyModel(3), resume: true }))).rejects.toThrow(
      /latest\.json names 42/,
    );
    writeFileSync(join(root, 'latest.json'), '{"dir": ');
    await expect(readCheckpoint(root)).rejects.toThrow(/latest\.json is not valid JSON/);
  });
});
