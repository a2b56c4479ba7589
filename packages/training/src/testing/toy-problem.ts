import { createRng } from '@edl/datasets';
import { DictConv2D } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../loop/labelled-images.ts';

/**
 * Test fixture (not exported from the package): a 3-class problem on 4x4x1 images whose class is the brightest
 * image row-band, and a tiny dense+BN classifier with deterministic initial weights.
 */
export function toyData(count: number, seed: number): LabelledImages {
  const rng = createRng(seed);
  const rand = () => rng.uniform();
  const images = new Float32Array(count * 16);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let p = 0; p < 16; p++) {
      const row = Math.floor(p / 4);
      const on = (c === 0 && row < 2) || (c === 1 && row >= 2) || (c === 2 && p % 4 < 2);
      images[i * 16 + p] = Math.min(1, Math.max(0, (on ? 0.7 : 0.3) + (rand() - 0.5) * 0.4));
    }
  }
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses: 3 };
}

/** A tiny classifier (flatten, dense 8, batch norm, relu, dense 3) with weights set from `seed`. */
export function toyModel(seed: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 8, useBias: true }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  const rng = createRng(seed);
  const rand = () => rng.uniform();
  const fresh = model.getWeights().map((w) => {
    if (w.shape.length < 2) return null;
    const values = Float32Array.from({ length: w.size }, () => (rand() - 0.5) * 0.8);
    return tf.tensor(values, w.shape);
  });
  model.setWeights(fresh.map((t, i) => t ?? model.getWeights()[i]!));
  tf.dispose(fresh.filter((t): t is tf.Tensor => t != null));
  return model;
}

/**
 * Test fixture (not exported from the package): the smallest dictionary-learning classifier (an elastic DictConv2D
 * with 3 atoms, step size 'auto', then flatten and dense 3) on the toy problem's 4x4x1 images, weights set from
 * `seed`.
 */
export function toyDictModel(seed: number): tf.LayersModel {
  const dict = new DictConv2D({ inputShape: [4, 4, 1], kind: 'elastic', filters: 3, steps: 2, name: 'dict' });
  const model = tf.sequential({ layers: [dict, tf.layers.flatten(), tf.layers.dense({ units: 3, name: 'head' })] });
  const rng = createRng(seed);
  const random = (w: tf.Tensor) =>
    tf.tensor(
      Float32Array.from({ length: w.size }, () => rng.uniform() - 0.5),
      w.shape,
    );
  const [kernel, ...rest] = dict.getWeights();
  const fresh = random(kernel!);
  dict.setWeights([fresh, ...rest]); // the layer's own setWeights also forgets the step size's warm start
  const head = model.getLayer('head');
  const headWeights = head.getWeights().map(random);
  head.setWeights(headWeights);
  tf.dispose([fresh, ...headWeights]); // (getWeights returns the variables themselves: not disposed)
  return model;
}
