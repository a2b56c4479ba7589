import * as tf from '@tensorflow/tfjs';
import { innerMaximize } from '../methods/inner-maximization.ts';
import { crossEntropyPerSample, oneHotLabels } from '../methods/losses.ts';
import type { ThreatModel } from '../methods/training-method.ts';
import { gatherBatch, type LabelledImages } from './labelled-images.ts';

/** Natural and PGD accuracy of a model (eval mode) on a subset. */
export interface MonitorAccuracy {
  natural: number;
  robust: number;
  count: number;
}

const correct = (logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar =>
  tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32'));

/**
 * Natural and PGD-ℓ∞ (CE, uniform random start) accuracy on `indices` of `set`, in eval mode, batch by batch.
 * This is the cheap per-epoch monitor; final robustness numbers come from `@edl/attacks`' `evaluateRobustness`.
 * The counts stay on the device and are read once, awaited, at the end (any backend, WebGPU included).
 */
export async function monitorAccuracy(
  forward: (x: tf.Tensor4D) => tf.Tensor2D,
  set: LabelledImages,
  indices: Int32Array,
  options: { attack: ThreatModel | null; batchSize: number; seed: number },
): Promise<MonitorAccuracy> {
  let counts: tf.Tensor1D = tf.zeros([2], 'int32');
  for (let start = 0; start < indices.length; start += options.batchSize) {
    const { x, y } = gatherBatch(set, indices.subarray(start, start + options.batchSize));
    const target = oneHotLabels(y, set.numClasses);
    const natural = tf.tidy(() => correct(forward(x), y));
    let robust = tf.scalar(0, 'int32');
    if (options.attack) {
      const adv = innerMaximize(forward, x, (logits) => tf.tidy(() => tf.sum(crossEntropyPerSample(logits, target))), {
        ...options.attack,
        init: 'uniform',
        seed: options.seed + start,
      });
      robust.dispose();
      robust = tf.tidy(() => correct(forward(adv), y));
      adv.dispose();
    }
    const next = tf.tidy(() => tf.add(counts, tf.stack([natural, robust])) as tf.Tensor1D);
    tf.dispose([counts, natural, robust, x, y, target]);
    counts = next;
  }
  const [natural, robust] = await counts.data();
  counts.dispose();
  const n = Math.max(1, indices.length);
  return { natural: natural! / n, robust: options.attack ? robust! / n : Number.NaN, count: indices.length };
}
