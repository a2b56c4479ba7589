import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import { fileSystemHandler, WEIGHTS_BIN } from './file-system-handler.ts';
import { loadModel, saveModel } from './save-model.ts';

// Simulates a kill part-way through a save: the atomic write of `model.json` fails after the weights were written.
const failOn = vi.hoisted(() => ({ suffix: '' }));
vi.mock('./atomic-write.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./atomic-write.ts')>();
  return {
    atomicWrite: async (path: string, data: Uint8Array | string) => {
      if (failOn.suffix !== '' && path.endsWith(failOn.suffix)) throw new Error('simulated kill');
      return actual.atomicWrite(path, data);
    },
  };
});

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };
let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'edl-unit-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('a saved model is replaced as one unit', () => {
  it('a kill between the weights and model.json leaves the old pair loadable, not new weights with the old topology', async () => {
    const dir = join(root, 'best');
    const old = resnet({ ...small, conv: 'vanilla', seed: 1 });
    const next = resnet({ ...small, conv: 'vanilla', seed: 2 }); // same shapes: a mixed pair would load silently
    await saveModel(old, fileSystemHandler(dir));
    failOn.suffix = 'model.json';
    try {
      await expect(saveModel(next, fileSystemHandler(dir))).rejects.toThrow(/simulated kill/);
    } finally {
      failOn.suffix = '';
    }
    const loaded = await loadModel(fileSystemHandler(dir));
    expect(weightsOf(loaded)).toEqual(weightsOf(old));
    expect(weightsOf(loaded)).not.toEqual(weightsOf(next));
    // the next save completes and prunes the orphaned weights of the failed one
    await saveModel(next, fileSystemHandler(dir));
    expect(weightsOf(await loadModel(fileSystemHandler(dir)))).toEqual(weightsOf(next));
    expect((await readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });

  it('a kill while writing the weights leaves the old model intact', async () => {
    const dir = join(root, 'final');
    const old = resnet({ ...small, seed: 3 });
    await saveModel(old, fileSystemHandler(dir));
    failOn.suffix = '.bin';
    try {
      await expect(saveModel(resnet({ ...small, seed: 4 }), fileSystemHandler(dir))).rejects.toThrow(/simulated kill/);
    } finally {
      failOn.suffix = '';
    }
    expect(weightsOf(await loadModel(fileSystemHandler(dir)))).toEqual(weightsOf(old));
  });

  it('still loads and replaces a folder in the earlier layout (model.json + weights.bin)', async () => {
    const dir = join(root, 'legacy');
    const old = resnet({ ...small, seed: 5 });
    await saveModel(old, fileSystemHandler(dir));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const name = json.weightsManifest[0].paths[0];
    await writeFile(join(dir, WEIGHTS_BIN), await readFile(join(dir, name)));
    await rm(join(dir, name));
    json.weightsManifest[0].paths = [WEIGHTS_BIN];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    expect(weightsOf(await loadModel(fileSystemHandler(dir)))).toEqual(weightsOf(old));
    await saveModel(resnet({ ...small, seed: 6 }), fileSystemHandler(dir));
    expect(await readdir(dir)).not.toContain(WEIGHTS_BIN);
  });
});
