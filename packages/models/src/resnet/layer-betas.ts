import { getBetas } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';

/**
 * The beta each `DictConv2D` layer's forward pass uses, by layer name, in model order: @edl/layers' `getBetas` (the
 * one beta reader, re-exported here) as a record.
 *
 * @deprecated Use `getBetas(model)` (rows `{ layer, kind, beta }`); for a record,
 * `Object.fromEntries(getBetas(model).map((r) => [r.layer, r.beta]))`. Removed in the next major.
 */
export function layerBetas(model: tf.LayersModel): Record<string, number> {
  return Object.fromEntries(getBetas(model).map((row) => [row.layer, row.beta]));
}
