import { applyConstraints } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';

/**
 * Projects every constrained weight of `model` after an optimizer step: @edl/layers' `applyConstraints` (the one
 * projector), which `train` calls after every step unless `TrainOptions.applyConstraints` replaces it.
 *
 * @deprecated Call `applyConstraints(model)` from `@edl/layers`; this alias will be removed in the next major.
 */
export function applyWeightConstraints(model: tf.LayersModel): void {
  applyConstraints(model);
}
