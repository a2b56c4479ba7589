import * as tf from '@tensorflow/tfjs';

/**
 * Atoms whose computed l2 norm is within this of 1 count as unit-norm and are left bit for bit as they are. It is
 * about 8 float32 ulps of 1, above the rounding error of recomputing the norm of a normalised atom (up to 2 ulps
 * measured on the cpu and wasm backends for 3x3x512 atoms), so projecting twice changes nothing.
 */
export const UNIT_NORM_TOLERANCE = 1e-6;

/**
 * Projects each atom of a kernel `[kh, kw, Cin, filters]` (one output channel over `[kh, kw, Cin]`) onto the unit
 * l2 sphere: `w / ||w||`. Idempotent: atoms already unit-norm within {@link UNIT_NORM_TOLERANCE} are divided by
 * exactly 1, i.e. unchanged, as are all-zero atoms (which have no direction). tfjs's `unitNorm`
 * (`w / (1e-7 + ||w||)`) is not idempotent: a unit atom whose norm rounds to 1 is divided by 1 + 2^-23 at every
 * application. Internal.
 */
export function projectAtomsToUnitNorm(kernel: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(kernel), [0, 1, 2], true));
    const unit = tf.lessEqual(tf.abs(tf.sub(norms, 1)), UNIT_NORM_TOLERANCE);
    const keep = tf.logicalOr(unit, tf.equal(norms, 0));
    return tf.div(kernel, tf.where(keep, tf.onesLike(norms), norms));
  });
}
