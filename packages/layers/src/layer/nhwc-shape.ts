import type * as tf from '@tensorflow/tfjs';
import { LayerError } from '../core/layer-error.ts';

/** The one NHWC input shape a layer got, or a clear error (`owner` names the layer). Internal. */
export function nhwcShape(inputShape: tf.Shape | tf.Shape[], owner: string): (number | null)[] {
  const nested = Array.isArray(inputShape[0]);
  if (nested && inputShape.length !== 1)
    throw new LayerError('invalid-input', 'inputShape', `${owner}: expected one input, got ${inputShape.length}`);
  const shape = (nested ? inputShape[0] : inputShape) as (number | null)[];
  if (shape.length !== 4) {
    throw new LayerError(
      'invalid-input',
      'inputShape',
      `${owner}: expected a rank-4 NHWC input [batch, height, width, channels], got shape [${shape.join(', ')}]`,
    );
  }
  return shape;
}
