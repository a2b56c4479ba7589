import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyDictModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { readCheckpoint } from './checkpoint-store.ts';

let root: string;
let ckpt: string;
let state: Record<string, unknown>;
let optimizer: Buffer;
let latest: string;
let layers: Buffer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'edl-ckpt-fuzz-'));
  const r = await train(toyTrainOptions(dir, { epochs: 1, model: toyDictModel(11) })); // a DL model: layers.bin
  r.model.dispose();
  root = join(dir, 'checkpoints');
  const [name] = readdirSync(root).filter((e) => e.startsWith('ckpt-'));
  ckpt = join(root, name!);
  state = JSON.parse(readFileSync(join(ckpt, 'state.json'), 'utf8'));
  optimizer = readFileSync(join(ckpt, 'optimizer.bin'));
  latest = readFileSync(join(root, 'latest.json'), 'utf8');
  layers = readFileSync(join(ckpt, 'layers.bin'));
});

/** Reads the checkpoint: it loads (and then holds valid numbers), or fails with an Error that starts with "resume: ". */
async function readOrResumeError(): Promise<void> {
  try {
    const c = await readCheckpoint(root);
    c.model.dispose();
    for (const k of ['epoch', 'step', 'lossCount', 'sinceBest'] as const) {
      expect(Number.isInteger(c.state[k]) && c.state[k] >= 0).toBe(true);
    }
    expect(['vanilla', 'elastic', 'single']).toContain(c.state.phase);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^resume: /);
  }
}

function restore(): void {
  writeFileSync(join(ckpt, 'state.json'), JSON.stringify(state));
  writeFileSync(join(ckpt, 'optimizer.bin'), optimizer);
  writeFileSync(join(root, 'latest.json'), latest);
  writeFileSync(join(ckpt, 'layers.bin'), layers);
}

describe('checkpoint reader under fuzzing (fast-check)', () => {
  it('hand-edited state.json fields: loaded with valid values or refused with "resume: …"', async () => {
    const keys = [
      'epoch',
      'step',
      'phase',
      'lossSum',
      'lossCount',
      'best',
      'sinceBest',
      'seed',
      'version',
      'optimizer',
      'layers',
      'unknownField',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue(), async (key, value) => {
        writeFileSync(join(ckpt, 'state.json'), JSON.stringify({ ...state, [key]: value }));
        try {
          await readOrResumeError();
        } finally {
          restore();
        }
      }),
      { numRuns: 60, seed: 4 },
    );
  });

  it('hand-edited latest.json (any JSON value as the pointer): loaded only from a ckpt-… folder inside, else refused', async () => {
    const name = JSON.parse(latest).dir as string;
    const pointer = fc.oneof(
      fc.jsonValue(),
      fc.record({
        dir: fc.oneof(fc.jsonValue(), fc.constantFrom(name, `./${name}`, `../${name}`, `${name}/..`, '/etc')),
      }),
    );
    await fc.assert(
      fc.asyncProperty(pointer, async (value) => {
        writeFileSync(join(root, 'latest.json'), JSON.stringify(value));
        try {
          const c = await readCheckpoint(root).catch((error: Error) => {
            expect(error.message).toMatch(/^resume: /);
            return null;
          });
          if (c) {
            expect(c.dir).toBe(ckpt); // the only folder it may read
            c.model.dispose();
          }
        } finally {
          restore();
        }
      }),
      { numRuns: 60, seed: 6 },
    );
  });

  it('damaged state.json, optimizer.bin and latest.json bytes: refused with "resume: …" or loaded', async () => {
    const files = ['state.json', 'optimizer.bin', 'latest.json', 'layers.bin'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        async (file, cut, edits) => {
          const path = file === 'latest.json' ? join(root, file) : join(ckpt, file);
          const bytes = Buffer.from(readFileSync(path));
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          writeFileSync(path, bytes.subarray(0, cut % (bytes.length + 1)));
          try {
            await readOrResumeError();
          } finally {
            restore();
          }
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });
});
