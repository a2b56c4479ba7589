// Replacing a dictionary layer's kernel (loadModel, toElastic, a state-dict import) must not leave the power
// iteration's warm start of the old kernel behind: 10 warm iterations from a stale vector underestimate
// L = ||A||^2, so the step size 0.9 / L came out up to 41% too large after loading (found by the backend matrix).
import { isDictLayer } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import type { ResNetOptions } from '../resnet/resnet-options.ts';
import { savedArtifacts } from '../testing/saved-artifacts.ts';
import { loadModel } from './save-model.ts';

const options: ResNetOptions = {
  depth: 10,
  conv: 'elastic',
  numClasses: 4,
  inputShape: [16, 16, 1],
  widthMultiplier: 1 / 16,
  steps: 2,
  lambda: 0.02,
};

/** Step sizes of the dictionary layers after one training call on `x`. */
function stepSizesAfterTrainingCall(model: tf.LayersModel, x: tf.Tensor): number[] {
  tf.tidy(() => {
    model.apply(x, { training: true });
  });
  return model.layers.filter(isDictLayer).map((l) => (l.weight('stepSize').read().dataSync() as Float32Array)[0]!);
}

describe('step sizes after the kernels are replaced', () => {
  it('loadModel: the loaded copy refreshes its step sizes from its own kernels, not the stale warm start', async () => {
    await tf.setBackend('cpu');
    const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 3);
    const original = resnet({ ...options, seed: 5 });
    const artifacts = await savedArtifacts(original);
    const loaded = await loadModel(tf.io.fromMemory(artifacts));
    const reference = stepSizesAfterTrainingCall(original, x);
    const got = stepSizesAfterTrainingCall(loaded, x);
    expect(got.length).toBeGreaterThan(5);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! / reference[i]! - 1)).toBeLessThan(0.02);
    x.dispose();
    original.dispose();
    loaded.dispose();
  });
});
