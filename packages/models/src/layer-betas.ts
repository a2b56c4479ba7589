import { getBetas } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';

/**
 * The beta each `DictConv2D` layer's forward pass uses, by layer name, in model order (1 = Vanilla DL,
 * 0 = Robust DL, the clamped learnt value for Elastic DL). A name-keyed view of @edl/layers' `getBetas`.
 *
 * @example
 * layerBetas(model); // { conv1: 0.5, 'layer1.0.conv1': 0.48, ... }
 */
export function layerBetas(model: tf.LayersModel): Record<string, number> {
  return Object.fromEntries(getBetas(model).map((row) => [row.layer, row.beta]));
}
