import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import { toElastic } from '../resnet/to-elastic.ts';
import { savedArtifacts } from '../testing/saved-artifacts.ts';
import { loadModel } from './save-model.ts';

// A saved BatchNorm layer loads as tfjs' class; loadModel and toElastic must give it back the fused training step,
// or a resumed run trains with other kernels (other float rounding) than the run it resumes.

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };

beforeAll(async () => {
  await setupBackend({ backend: 'wasm', threads: 1, quiet: true, native: 'require' });
});

/** The float32 bits of every weight after one SGD step on a fixed batch. */
function afterOneStep(model: tf.LayersModel): number[] {
  const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([1, 4, 2, 7], 'int32'), 10);
  const optimizer = tf.train.sgd(0.05);
  tf.tidy(() => {
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
  });
  optimizer.dispose();
  tf.dispose([x, y]);
  return model.weights.flatMap((w) => Array.from(new Uint32Array(new Float32Array(w.read().dataSync()).buffer)));
}

const batchNormLayers = (model: tf.LayersModel) =>
  model.layers.filter((l) => l.getClassName() === 'BatchNormalization');

describe('BatchNorm after loadModel / toElastic', () => {
  it('a loaded model trains bit for bit as the model it was saved from (fused BatchNorm restored)', async () => {
    const model = resnet({ ...small, conv: 'standard', seed: 2 });
    const artifacts = await savedArtifacts(model);
    const loaded = await loadModel(tf.io.fromMemory(artifacts));
    // tfjs' own loader builds tfjs' class; ours has already swapped every BatchNorm layer
    const plain = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const fused = batchNormLayers(model);
    expect(fused.length).toBeGreaterThan(4);
    expect(Object.getPrototypeOf(plain.getLayer(fused[0]!.name))).not.toBe(Object.getPrototypeOf(fused[0]!));
    for (const layer of batchNormLayers(loaded))
      expect(Object.getPrototypeOf(layer)).toBe(Object.getPrototypeOf(model.getLayer(layer.name)));
    expect(afterOneStep(loaded)).toEqual(afterOneStep(model));
    for (const m of [model, loaded, plain]) m.dispose();
  });

  it('toElastic keeps the fused BatchNorm of the model it converts', () => {
    const vanilla = resnet({ ...small, conv: 'vanilla', seed: 3, lambda: 0.01 });
    const elastic = toElastic(vanilla, { beta: 0.5 });
    for (const layer of batchNormLayers(elastic))
      expect(Object.getPrototypeOf(layer)).toBe(Object.getPrototypeOf(vanilla.getLayer(layer.name)));
    vanilla.dispose();
    elastic.dispose();
  });
});
