import { createCheckers, type NumberRange } from '@edl/ops';
import type * as tf from '@tensorflow/tfjs';
import { LayerError } from './layer-error.ts';

/** The checkers of `@edl/layers` (name first, `"<name> must be <expected>, got <value>"`): they throw {@link LayerError}. Internal. */
export const { invalidOption, checkPositiveInt, checkNumber, checkOneOf, checkBoolean } = createCheckers(LayerError);

/** `value`, checked to be a number in `range` or a scalar tensor (whose value is not read). Internal. */
export function checkNumberOrScalar(name: string, value: unknown, range: NumberRange): number | tf.Scalar {
  if (typeof value === 'number') return checkNumber(name, value, range);
  if (value !== null && typeof value === 'object' && 'rank' in value && 'shape' in value) {
    const t = value as tf.Tensor;
    if (t.rank !== 0) {
      throw new LayerError(
        'invalid-option',
        name,
        `${name} must be a number or a scalar tensor, got shape [${t.shape}]`,
      );
    }
    return t as tf.Scalar;
  }
  return invalidOption(name, 'a number or a scalar tensor', value);
}
