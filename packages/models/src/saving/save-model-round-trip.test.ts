import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConstraints } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import { toElastic } from '../resnet/to-elastic.ts';
import { fileSystemHandler } from './file-system-handler.ts';
import { loadModel, saveModel } from './save-model.ts';

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };
let root: string;
let x: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'edl-round-trip-'));
  x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 17);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The float32 bit patterns of a tensor's values (so -0 and NaN payloads count too). */
const bitsOf = (t: tf.Tensor) => new Uint32Array(new Float32Array(t.dataSync()).buffer);

/** The weights of `b` whose bits differ from `a`'s weight of the same name, with their largest difference. */
function differingWeights(a: tf.LayersModel, b: tf.LayersModel): string[] {
  const byName = new Map(b.weights.map((w) => [w.originalName, w]));
  expect([...byName.keys()].sort()).toEqual(a.weights.map((w) => w.originalName).sort());
  return a.weights.flatMap((w) => {
    const other = byName.get(w.originalName)!.read();
    const [p, q] = [bitsOf(w.read()), bitsOf(other)];
    if (p.length === q.length && p.every((bit, i) => bit === q[i])) return [];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(w.read(), other))).dataSync()[0]);
    return [`${w.originalName} (max |diff| ${diff})`];
  });
}

function logitBits(model: tf.LayersModel): number[] {
  const y = model.predict(x) as tf.Tensor;
  const bits = Array.from(bitsOf(y));
  y.dispose();
  return bits;
}

/**
 * A model of `conv` after one SGD step, so its weights are not straight from the initializer. With `project` the
 * step is followed by @edl/layers' projector (`applyConstraints`, as `train` does now); without it the weights are
 * what an optimizer step leaves (as `train` saved them while its default projector did nothing).
 */
function trained(conv: 'vanilla' | 'robust' | 'elastic', project: boolean): tf.LayersModel {
  const model = resnet({ ...small, conv, lambda: 0.01, seed: 3 });
  const optimizer = tf.train.sgd(0.01);
  const y = tf.oneHot(tf.tensor1d([1, 4], 'int32'), 10);
  tf.tidy(() => {
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
  });
  if (project) expect(applyConstraints(model)).toBeGreaterThan(0);
  optimizer.dispose();
  y.dispose();
  return model;
}

const cases: [string, () => tf.LayersModel][] = [
  ...(['vanilla', 'robust', 'elastic'] as const).flatMap((conv): [string, () => tf.LayersModel][] => [
    [`${conv}, saved right after an optimizer step`, () => trained(conv, false)],
    [`${conv}, saved after a step and applyConstraints`, () => trained(conv, true)],
  ]),
  ['vanilla switched with toElastic', () => toElastic(trained('vanilla', false), { beta: 0.7 })],
];

describe('saveModel / loadModel round trip of dictionary-learning ResNets', () => {
  for (const [name, make] of cases) {
    it(`${name}: bit-identical weights and logits after loading, byte-identical files after re-saving`, async () => {
      const model = make();
      const dir = join(root, name.replace(/\W+/g, '-'));
      await saveModel(model, fileSystemHandler(dir));
      const loaded = await loadModel(fileSystemHandler(dir));
      expect(differingWeights(model, loaded).join('\n')).toBe('');
      expect(logitBits(loaded)).toEqual(logitBits(model));
      await saveModel(loaded, fileSystemHandler(`${dir}-again`));
      const json = (path: string) => readFile(join(path, 'model.json'), 'utf8').then(JSON.parse);
      // The weights file model.json names (its name carries a hash of the bytes).
      const weights = async (path: string) =>
        readFile(join(path, (await json(path)).weightsManifest[0].paths[0] as string));
      const [first, again] = await Promise.all([weights(dir), weights(`${dir}-again`)]);
      expect(first.length).toBeGreaterThan(0);
      expect(again.equals(first)).toBe(true);
      expect(await json(`${dir}-again`)).toEqual(await json(dir));
      model.dispose();
      loaded.dispose();
    });
  }
});
