import { type DictConv2D, isDictLayer } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';

/** The model's `DictConv2D` layers (top level), in model order. */
export function dictLayersOf(model: tf.LayersModel): DictConv2D[] {
  return model.layers.filter(isDictLayer);
}
