import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { readCheckpoint } from './checkpoint-store.ts';

let root: string;
let ckpt: string;
let state: Record<string, unknown>;
let optimizer: Buffer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'edl-damaged-'));
  const r = await train(toyTrainOptions(dir, { epochs: 1 }));
  r.model.dispose();
  root = join(dir, 'checkpoints');
  const [name] = readdirSync(root).filter((e) => e.startsWith('ckpt-'));
  ckpt = join(root, name!);
  state = JSON.parse(readFileSync(join(ckpt, 'state.json'), 'utf8'));
  optimizer = readFileSync(join(ckpt, 'optimizer.bin'));
});

/** Writes `file` of the checkpoint, expects readCheckpoint to fail with `message`, then restores the file. */
async function expectRefused(file: string, content: string | Buffer | null, message: RegExp): Promise<void> {
  const path = file === 'latest.json' ? join(root, file) : join(ckpt, file);
  const before = readFileSync(path);
  if (content === null) rmSync(path);
  else writeFileSync(path, content);
  try {
    await expect(readCheckpoint(root)).rejects.toThrow(message);
    // a package error with a code, not a plain Error
    await expect(readCheckpoint(root)).rejects.toThrow(expect.objectContaining({ code: 'invalid-file' }));
  } finally {
    writeFileSync(path, before);
  }
}

describe('a damaged checkpoint is refused with the file named', () => {
  it('reads back when intact', async () => {
    const c = await readCheckpoint(root);
    expect(c.state.epoch).toBe(1);
    c.model.dispose();
  });

  it('no checkpoint at all is a TrainingError of code invalid-state naming root', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'edl-no-ckpt-'));
    await expect(readCheckpoint(empty)).rejects.toThrow(
      expect.objectContaining({ name: 'TrainingError', code: 'invalid-state', option: 'root' }),
    );
    await expect(readCheckpoint(empty)).rejects.toThrow(/resume: no checkpoint at .*latest\.json/);
  });

  it('latest.json naming a folder that is gone', async () => {
    await expectRefused(
      'latest.json',
      '{"dir":"ckpt-e0001-gone"}',
      /latest\.json names ckpt-e0001-gone, which does not exist/,
    );
  });

  it('state.json missing, not JSON, or not an object', async () => {
    await expectRefused('state.json', null, /resume: .*state\.json: missing \(the training state\)/);
    await expectRefused('state.json', '{"version": 1,', /resume: .*state\.json is not valid JSON/);
    await expectRefused('state.json', '[1]', /resume: .*state\.json must hold a JSON object/);
  });

  it('hand-edited state.json: epoch "1", epoch -3, epoch 1.5, phase "bogus"', async () => {
    const edit = (patch: Record<string, unknown>) => JSON.stringify({ ...state, ...patch });
    await expectRefused('state.json', edit({ epoch: '1' }), /state\.json: 'epoch' must be a number, got "1"/);
    await expectRefused('state.json', edit({ epoch: -3 }), /state\.json: 'epoch' must be an integer >= 0, got -3/);
    await expectRefused('state.json', edit({ epoch: 1.5 }), /state\.json: 'epoch' must be an integer >= 0, got 1\.5/);
    await expectRefused('state.json', edit({ step: -1 }), /state\.json: 'step' must be an integer >= 0/);
    await expectRefused('state.json', edit({ phase: 'bogus' }), /state\.json: 'phase' must be 'vanilla', 'elastic'/);
    await expectRefused('state.json', edit({ version: 2 }), /state\.json has unknown version 2/);
    // a typo'd or invented field was carried into the resumed state and written back: refused, named
    await expectRefused(
      'state.json',
      edit({ epochs: 3 }),
      /state\.json: unknown field\(s\) 'epochs' \(expected version/,
    );
  });

  it('optimizer.bin missing, cut mid-value, or shorter than state.json describes', async () => {
    await expectRefused('optimizer.bin', null, /resume: .*optimizer\.bin: missing \(the optimizer state\)/);
    await expectRefused(
      'optimizer.bin',
      optimizer.subarray(0, optimizer.byteLength - 2),
      /optimizer\.bin has \d+ bytes, not a whole number of float32 values/,
    );
    await expectRefused(
      'optimizer.bin',
      optimizer.subarray(0, optimizer.byteLength - 8),
      /optimizer\.bin has \d+ values, .*state\.json describes \d+/,
    );
  });
});
