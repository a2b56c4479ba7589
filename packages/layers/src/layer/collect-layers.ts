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
