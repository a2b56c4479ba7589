import * as tf from '@tensorflow/tfjs';

/**
 * Weight constraint projecting every value into `[0, 1]` (`clip(w, 0, 1)`). Used on the `beta` weight of
 * {@link DictConv2D}. Serialisable (`className = 'UnitInterval'`); structurally a tfjs-layers `Constraint` (tfjs does
 * not export that base class).
 *
 * @example
 * new UnitInterval().apply(tf.tensor([-0.5, 0.3, 2])); // [0, 0.3, 1]
 */
export class UnitInterval extends tf.serialization.Serializable {
  /** @nocollapse */
  static className = 'UnitInterval';

  /** Returns `clip(w, 0, 1)`. */
  apply(w: tf.Tensor): tf.Tensor {
    return tf.clipByValue(w, 0, 1);
  }

  /** No options. */
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
tf.serialization.registerClass(UnitInterval);
