import { createRng } from '@edl/datasets';
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
