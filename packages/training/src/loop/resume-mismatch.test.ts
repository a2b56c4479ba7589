// What a careful user tries next after issue 13's resume cases: resuming a checkpoint into a run it does not belong to
// (other data, batch size, seed, switch schedule; a run folder whose config.json is gone) and checkpoints holding
// NaN / Inf. Each was carried on silently (or failed steps later with no word about the checkpoint).
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toElastic } from '@edl/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRunFolder } from '../cli/run-folder.ts';
import { resolveTrainConfig } from '../cli/train-config.ts';
import { readCheckpoint } from '../store/checkpoint-store.ts';
import { toyData, toyDictModel, toyModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { train } from './trainer.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'edl-resume-mismatch-'));
let dir: string; // a toy run stopped mid-epoch 1 (step 2 of 5), seed 42, no switch

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = tmp();
  const r = await train(toyTrainOptions(dir, { shouldStop: (p) => p.epoch === 1 && p.step === 2 }));
  r.model.dispose();
});

const resume = (extra: Parameters<typeof toyTrainOptions>[1]) =>
  train(toyTrainOptions(dir, { model: toyModel(5), resume: true, ...extra }));

describe('resuming a checkpoint into a run it does not belong to is refused before any step', () => {
  it('another batch size (an epoch has fewer steps than the checkpoint has done)', async () => {
    await expect(resume({ batchSize: 20 })).rejects.toThrow(
      /resume: the checkpoint in .* stopped at step 2 of epoch 1, but an epoch has 2 steps here \(40 images in batches of 20\)/,
    );
  });

  it('images of another size, or another number of classes', async () => {
    const big = { ...toyData(40, 1), height: 2, width: 8 };
    await expect(resume({ train: big })).rejects.toThrow(
      /holds a model for \[4, 4, 1\] inputs, the train images are \[2, 8, 1\]/,
    );
    const five = (d: ReturnType<typeof toyData>) => ({ ...d, numClasses: 5 });
    await expect(resume({ train: five(toyData(40, 1)), test: five(toyData(18, 2)) })).rejects.toThrow(
      /holds a model with 3 outputs, the train set has 5 classes/,
    );
  });

  it('another explicit seed (the checkpoint seed won silently)', async () => {
    await expect(resume({ seed: 7 })).rejects.toThrow(/was seeded with 42, options\.seed is 7/);
  });

  it('a run with the vanilla -> elastic switch resuming a checkpoint without it, and the reverse', async () => {
    const withSwitch = { elasticSwitch: { epoch: 2, toElastic: (m: tf.LayersModel) => toElastic(m) } };
    await expect(resume(withSwitch)).rejects.toThrow(/is of a run without the vanilla -> elastic switch/);
    const switched = tmp();
    const r = await train(
      toyTrainOptions(switched, { model: toyDictModel(1), ...withSwitch, shouldStop: (p) => p.epoch === 1 }),
    );
    r.model.dispose();
    await expect(train(toyTrainOptions(switched, { model: toyDictModel(2), resume: true }))).rejects.toThrow(
      /is in the 'vanilla' phase of a run with the vanilla -> elastic switch; set elasticSwitch/,
    );
  });

  it("an 'elastic'-phase checkpoint whose model.json was edited to vanilla layers", async () => {
    const out = tmp();
    const withSwitch = { elasticSwitch: { epoch: 1, toElastic: (m: tf.LayersModel) => toElastic(m) } };
    const r = await train(
      toyTrainOptions(out, { model: toyDictModel(1), ...withSwitch, shouldStop: (p) => p.epoch === 2 }),
    );
    r.model.dispose();
    const root = join(out, 'checkpoints');
    const modelJson = join(root, readdirSync(root).find((e) => e.startsWith('ckpt-'))!, 'model', 'model.json');
    const text = readFileSync(modelJson, 'utf8');
    expect(text).toContain('"kind":"elastic"');
    // (kind vanilla with beta 0.5 or a trained beta is refused by the layer config itself, naming model.json; with
    // beta 1 and train_beta false it is a valid vanilla layer)
    const edited = text
      .replaceAll('"kind":"elastic"', '"kind":"vanilla"')
      .replaceAll('"beta":0.5', '"beta":1')
      .replaceAll('"train_beta":true', '"train_beta":false');
    writeFileSync(modelJson, edited);
    await expect(train(toyTrainOptions(out, { model: toyDictModel(2), ...withSwitch, resume: true }))).rejects.toThrow(
      /is in the 'elastic' phase, but its model has vanilla layers \(dict\): model\.json and state\.json disagree/,
    );
  });

  it('the checkpoint still resumes with the right options (the refusals left it intact)', async () => {
    const r = await resume({});
    expect(r.interrupted).toBe(false);
    expect(r.history.map((h) => h.epoch)).toEqual([2, 3]);
    r.model.dispose();
  });
});

describe('a checkpoint holding NaN / Inf is refused, naming the file', () => {
  let root: string;
  let ckpt: string;
  beforeAll(async () => {
    const out = tmp();
    const r = await train(toyTrainOptions(out, { model: toyDictModel(4), epochs: 1 }));
    r.model.dispose();
    root = join(out, 'checkpoints');
    ckpt = join(root, readdirSync(root).find((e) => e.startsWith('ckpt-'))!);
  });

  async function refusedWith(file: string, damage: (bytes: Buffer) => Buffer | string, message: RegExp) {
    const path = join(ckpt, file);
    const before = readFileSync(path);
    writeFileSync(path, damage(Buffer.from(before)));
    try {
      await expect(readCheckpoint(root)).rejects.toThrow(message);
    } finally {
      writeFileSync(path, before);
    }
  }
  const nanAt = (index: number) => (b: Buffer) => {
    b.writeFloatLE(Number.NaN, index * 4);
    return b;
  };

  it('optimizer.bin with a NaN momentum (the resumed run failed later with "loss became NaN")', async () => {
    await refusedWith('optimizer.bin', nanAt(3), /optimizer\.bin holds NaN at value 3: a finite state was expected/);
  });

  it('layers.bin with a NaN warm start', async () => {
    await refusedWith('layers.bin', nanAt(0), /layers\.bin holds NaN at value 0/);
  });

  it('model weights with a NaN (the resumed run failed at once with "loss became NaN", blaming the lr)', async () => {
    const model = join(ckpt, 'model');
    const weights = readdirSync(model).find((f) => f.endsWith('.bin'))!;
    await refusedWith(join('model', weights), nanAt(2), /resume: .*model: weight '.*' holds NaN at index 2/);
  });

  it('state.json with lossSum "NaN" or best "Infinity" / "NaN"', async () => {
    const edit = (patch: object) => (b: Buffer) => JSON.stringify({ ...JSON.parse(b.toString('utf8')), ...patch });
    await refusedWith('state.json', edit({ lossSum: 'NaN' }), /state\.json: 'lossSum' must be finite, got NaN/);
    await refusedWith('state.json', edit({ best: 'Infinity' }), /'best' must be a finite score or -Infinity/);
    await refusedWith('state.json', edit({ best: 'NaN' }), /'best' must be a finite score or -Infinity/);
    const c = await readCheckpoint(root); // intact again
    c.model.dispose();
  });
});

describe('edl train --resume in a run folder without config.json', () => {
  it('is refused when a checkpoint is there (its settings could not be checked)', () => {
    const out = tmp();
    cpSync(join(dir, 'checkpoints'), join(out, 'checkpoints'), { recursive: true }); // config.json lost
    const c = resolveTrainConfig({}, { out, resume: true });
    expect(() => openRunFolder(c, () => {})).toThrow(
      /--resume: .* holds a checkpoint but no config\.json, so these settings cannot be checked/,
    );
    // without a checkpoint either, --resume starts from epoch 0 as before
    const fresh = tmp();
    const lines: string[] = [];
    openRunFolder(resolveTrainConfig({}, { out: fresh, resume: true }), (l) => lines.push(l)).release();
    expect(lines.join('\n')).toMatch(/no checkpoint .*starting from epoch 0/);
  });
});
