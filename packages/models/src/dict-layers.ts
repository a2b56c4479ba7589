import type * as tf from '@tensorflow/tfjs';

/** Class name under which @edl/layers registers its dictionary layer. */
export const DICT_CONV_CLASS = 'DictConv2D';

/** The model's `DictConv2D` layers, in model order. */
export function dictLayersOf(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === DICT_CONV_CLASS);
}

/** The weight of `layer` whose name ends in `/<suffix>`; throws naming the layer when there is none. */
export function weightOf(layer: tf.layers.Layer, suffix: string): tf.LayerVariable {
  const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`));
  if (w === undefined) {
    const names = layer.weights.map((v) => v.originalName).join(', ');
    throw new Error(`layer '${layer.name}': has no '${suffix}' weight (weights: ${names})`);
  }
  return w;
}
