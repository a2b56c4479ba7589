import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerBetas } from '../resnet/layer-betas.ts';
import { resnet } from '../resnet/resnet.ts';
import { savedArtifacts } from '../testing/saved-artifacts.ts';
import { fileSystemHandler } from './file-system-handler.ts';
import { loadModel, saveModel } from './save-model.ts';

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };
let root: string;
let x: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'edl-models-'));
  x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectSameOutputs(a: tf.LayersModel, b: tf.LayersModel): void {
  const ya = a.predict(x) as tf.Tensor;
  const yb = b.predict(x) as tf.Tensor;
  expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
  tf.dispose([ya, yb]);
}

describe('saveModel / loadModel', () => {
  it('round-trips a standard and an elastic ResNet10 with identical outputs, in the tfjs layout', async () => {
    for (const conv of ['standard', 'elastic'] as const) {
      const model = resnet({ ...small, conv, lambda: 0.01, beta: 0.3, seed: 5 });
      // move the BN statistics away from their init so the test sees them saved
      tf.tidy(() => {
        model.apply(x, { training: true });
      });
      const dir = join(root, conv);
      await saveModel(model, fileSystemHandler(dir));
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual([expect.stringMatching(/^weights-[0-9a-f]{16}\.bin$/)]);
      const bin = json.weightsManifest[0].paths[0];
      expect((await readdir(dir)).sort()).toEqual(['model.json', bin]); // no temp files left
      const loaded = await loadModel(fileSystemHandler(dir));
      expectSameOutputs(model, loaded);
      expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      if (conv === 'elastic') expect(layerBetas(loaded)).toEqual(layerBetas(model));
    }
  });

  it('overwrites an existing save atomically', async () => {
    const dir = join(root, 'overwrite');
    const a = resnet({ ...small, seed: 1 });
    const b = resnet({ ...small, seed: 2 });
    await saveModel(a, fileSystemHandler(dir));
    await saveModel(b, fileSystemHandler(dir));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual(['model.json', json.weightsManifest[0].paths[0]]); // old weights pruned
    expectSameOutputs(b, await loadModel(fileSystemHandler(dir)));
  });

  it('round-trips an elastic ResNet through an in-memory IOHandler (the browser path, no file system)', async () => {
    const model = resnet({ ...small, conv: 'elastic', lambda: 0.01, beta: 0.3, seed: 6 });
    const saved = await savedArtifacts(model);
    expect(saved.weightData).toBeDefined();
    const loaded = await loadModel(tf.io.fromMemory(saved));
    expectSameOutputs(model, loaded);
    expect(layerBetas(loaded)).toEqual(layerBetas(model));
  });

  it('refuses a plain path or an unknown scheme with the fix, and an object without save/load', async () => {
    const model = resnet({ ...small, seed: 1 });
    await expect(saveModel(model, 'runs/x')).rejects.toThrow(
      /no tfjs IO handler for 'runs\/x'.*fileSystemHandler\(dir\)/,
    );
    await expect(loadModel('nope://x')).rejects.toThrow(/loadModel: no tfjs IO handler for 'nope:\/\/x'/);
    await expect(loadModel({} as tf.io.IOHandler)).rejects.toThrow(/loadModel: .*without a load\(\) method/);
  });

  it('works as a plain tfjs IOHandler (model.save / tf.loadLayersModel) for standard layers', async () => {
    const dir = join(root, 'handler');
    const model = resnet({ ...small, seed: 9 });
    await model.save(fileSystemHandler(dir));
    expectSameOutputs(model, await tf.loadLayersModel(fileSystemHandler(dir)));
  });

  it('names the file when the weights file is truncated or too long', async () => {
    const dir = join(root, 'truncated');
    await saveModel(resnet({ ...small, seed: 1 }), fileSystemHandler(dir));
    const name = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0];
    const bin = join(dir, name);
    const full = await readFile(bin);
    await truncate(bin, full.byteLength - 10);
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(/weights-[0-9a-f]+\.bin.*truncated weights file/);
    await writeFile(bin, Buffer.concat([full, Buffer.alloc(8)]));
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(/weights-[0-9a-f]+\.bin.*do not match/);
  });

  it('names model.json when it does not match the weights or is broken', async () => {
    const dir = join(root, 'mismatch');
    const narrow = join(root, 'narrow');
    await saveModel(resnet({ ...small, seed: 1 }), fileSystemHandler(dir));
    await saveModel(resnet({ ...small, numClasses: 3, seed: 1 }), fileSystemHandler(narrow));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const binName = json.weightsManifest[0].paths[0];
    const other = JSON.parse(await readFile(join(narrow, 'model.json'), 'utf8'));
    // the topology of a 3-class model with the 10-class weights manifest and data
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...json, modelTopology: other.modelTopology }));
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(
      /model\.json: weight 'linear\/kernel' is saved as \[32,10\] but the model expects \[32,3\]/,
    );
    // a manifest that lacks a weight the topology needs (bytes adjusted so the file check passes)
    const specs = json.weightsManifest[0].weights.filter((w: { name: string }) => w.name !== 'linear/bias');
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ ...json, weightsManifest: [{ paths: [binName], weights: specs }] }),
    );
    const bin = await readFile(join(dir, binName));
    await writeFile(join(dir, binName), bin.subarray(0, bin.byteLength - 40));
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(/model\.json: the weights lack linear\/bias/);
    await writeFile(join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(/model\.json: not valid JSON/);
    await writeFile(join(dir, 'model.json'), '{"weightsManifest": []}');
    await expect(loadModel(fileSystemHandler(dir))).rejects.toThrow(
      /model\.json: expected an object with a 'modelTopology'/,
    );
    await expect(loadModel(fileSystemHandler(join(root, 'nowhere')))).rejects.toThrow(
      /nowhere\/model\.json: model\.json not found/,
    );
  });
});
