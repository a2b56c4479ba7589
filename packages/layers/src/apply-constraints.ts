import * as tf from '@tensorflow/tfjs';

/** Anything holding layers: a model (sequential or functional), one layer, or a list of layers. */
export type LayerSource = tf.LayersModel | tf.layers.Layer | tf.layers.Layer[];

/** All layers of a source, descending into nested models. Internal. */
export function collectLayers(source: LayerSource): tf.layers.Layer[] {
  const roots = Array.isArray(source) ? source : [source];
  const out: tf.layers.Layer[] = [];
  const visit = (layer: tf.layers.Layer) => {
    const inner = (layer as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(inner) && layer instanceof tf.LayersModel) inner.forEach(visit);
    else out.push(layer);
  };
  roots.forEach(visit);
  return out;
}

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

/**
 * `model.fit` callbacks that call {@link applyConstraints} after every batch, so the weights a fit leaves behind
 * satisfy their constraints (tfjs 4.22's `fit` does not apply them).
 *
 * @example
 * await model.fit(x, y, { epochs: 5, callbacks: constraintsCallback(model) });
 */
export function constraintsCallback(source: LayerSource): { onBatchEnd: () => Promise<void> } {
  return {
    onBatchEnd: async () => {
      applyConstraints(source);
    },
  };
}
