import * as tf from '@tensorflow/tfjs';
import type { LabelledImages } from '../loop/labelled-images.ts';

/**
 * Test fixture: a linear nearest-class-mean classifier (flatten + dense) fitted in closed form on `set`, so that it
 * classifies most images right without training and small L-inf attacks fool some of them. Weights of class c:
 * `scale * mean_c`, bias `-scale * |mean_c|^2 / 2`.
 */
export function prototypeModel(set: LabelledImages, scale = 1): tf.LayersModel {
  const per = set.height * set.width * set.channels;
  const classes = set.numClasses;
  const sums = new Float64Array(per * classes);
  const counts = new Float64Array(classes);
  const unit = set.images instanceof Uint8Array ? 1 / 255 : 1; // as gatherBatch scales
  for (let i = 0; i < set.count; i++) {
    const c = set.labels[i] as number;
    counts[c] = (counts[c] ?? 0) + 1;
    for (let p = 0; p < per; p++)
      sums[p * classes + c] = (sums[p * classes + c] ?? 0) + (set.images[i * per + p] ?? 0) * unit;
  }
  const kernel = new Float32Array(per * classes);
  const bias = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    let sq = 0;
    for (let p = 0; p < per; p++) {
      const m = (sums[p * classes + c] ?? 0) / Math.max(1, counts[c] ?? 0);
      kernel[p * classes + c] = scale * m;
      sq += m * m;
    }
    bias[c] = (-scale * sq) / 2;
  }
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [set.height, set.width, set.channels] }),
      tf.layers.dense({ units: classes }),
    ],
  });
  const w = [tf.tensor2d(kernel, [per, classes]), tf.tensor1d(bias)];
  model.setWeights(w);
  tf.dispose(w);
  return model;
}
