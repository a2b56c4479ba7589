import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../errors/checkers.ts';
import { gatherBatch, type LabelledImages } from './labelled-images.ts';
import { seededPermutation } from './seeds.ts';

/** Options of {@link recalibrateBatchNorm}. */
export interface BatchNormRecalibration {
  /** Forward passes (each over `batchSize` training images). With BN momentum 0.9, 20 passes leave 0.9^20 ≈ 12% of
   * the old statistics. */
  batches: number;
  batchSize: number;
  seed: number;
}

/**
 * Re-estimates BatchNorm moving statistics for the current weights ("PreciseBN", Wu & Johnson 2021): training-mode
 * forward passes over clean training images, without gradient and without an optimizer step. Only the BN moving
 * mean / variance change (a `DictConv2D` training call also re-projects its weights and refreshes its step size,
 * which leaves them as they are after `applyConstraints`). Tidy-clean.
 */
export function recalibrateBatchNorm(model: tf.LayersModel, set: LabelledImages, o: BatchNormRecalibration): void {
  checkPositiveInt('batches', o.batches);
  const order = seededPermutation(set.count, o.seed);
  for (let b = 0; b < o.batches; b++) {
    const start = (b * o.batchSize) % Math.max(1, set.count - o.batchSize + 1);
    const { x, y } = gatherBatch(set, order.subarray(start, start + o.batchSize));
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
    tf.dispose([x, y]);
  }
}
