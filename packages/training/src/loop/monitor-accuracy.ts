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

/**
 * Natural and PGD-ℓ∞ (CE, uniform random start) accuracy on `indices` of `set`, in eval mode, batch by batch.
 * This is the cheap per-epoch monitor; final robustness numbers come from `@edl/attacks`' `evaluateRobustness`.
 */
export function monitorAccuracy(
  forward: (x: tf.Tensor4D) => tf.Tensor2D,
  set: LabelledImages,
  indices: Int32Array,
  options: { attack: ThreatModel | null; batchSize: number; seed: number },
): MonitorAccuracy {
  let natural = 0;
  let robust = 0;
  for (let start = 0; start < indices.length; start += options.batchSize) {
    const { x, y } = gatherBatch(set, indices.subarray(start, start + options.batchSize));
    const target = oneHotLabels(y, set.numClasses);
    natural += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(forward(x), 1), y), 'int32')).dataSync()[0]!);
    if (options.attack) {
      const adv = innerMaximize(forward, x, (logits) => tf.tidy(() => tf.sum(crossEntropyPerSample(logits, target))), {
        ...options.attack,
        init: 'uniform',
        seed: options.seed + start,
      });
      robust += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(forward(adv), 1), y), 'int32')).dataSync()[0]!);
      adv.dispose();
    }
    tf.dispose([x, y, target]);
  }
  const n = Math.max(1, indices.length);
  return { natural: natural / n, robust: options.attack ? robust / n : Number.NaN, count: indices.length };
}
