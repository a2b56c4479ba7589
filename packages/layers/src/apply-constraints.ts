import * as tf from '@tensorflow/tfjs';
import { collectLayers, type LayerSource } from './collect-layers.ts';

export type { LayerSource } from './collect-layers.ts';

/**
 * Projects every constrained weight of a model or layers onto its constraint (`w <- constraint(w)`), e.g. the
 * unit-norm atoms and `beta` in [0, 1] of {@link DictConv2D}. Call it after each optimizer step in a custom loop:
 * tfjs optimizers never apply layer constraints, and neither does `model.fit` in tfjs 4.22 (use
 * {@link constraintsCallback} there). Returns the number of weights projected.
 *
 * @example
 * optimizer.minimize(() => loss(model, x, y));
 * applyConstraints(model);
 */
export function applyConstraints(source: LayerSource): number {
  let count = 0;
  for (const layer of collectLayers(source)) {
    for (const v of layer.weights) {
      const constraint = v.constraint;
      if (!constraint) continue;
      tf.tidy(() => {
        v.write(constraint.apply(v.read()));
      });
      count++;
    }
  }
  return count;
}
