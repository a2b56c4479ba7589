import * as tf from '@tensorflow/tfjs';
import { LayerError } from '../core/layer-error.ts';
import type { DictConv2D } from './dict-conv2d.ts';
import { checkBetaForKind } from './dict-conv2d-config.ts';
import { isDictLayer } from './is-dict-layer.ts';

/**
 * Sets the `beta` weight of a built {@link DictConv2D}. `beta` must be a number in [0, 1]; vanilla and robust layers
 * fix beta at 1 and 0, so only that value is accepted there (switch the layer to `'elastic'` with {@link withKind}
 * first for another one). Throws an Error naming the argument otherwise.
 *
 * @example
 * setBeta(model.getLayer('conv1') as DictConv2D, 0.5);
 */
export function setBeta(layer: DictConv2D, beta: number): void {
  if (!isDictLayer(layer)) {
    const other: unknown = layer;
    const what = other instanceof tf.layers.Layer ? `layer '${other.name}' (${other.getClassName()})` : typeof other;
    throw new LayerError('invalid-option', 'layer', `layer: expected a DictConv2D, got ${what}`);
  }
  const value = checkBetaForKind(layer.kind, beta);
  const variable = layer.weight('beta');
  tf.tidy(() => {
    variable.write(tf.scalar(value));
  });
}
