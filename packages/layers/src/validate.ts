import type * as tf from '@tensorflow/tfjs';

/** Throws unless `value` is an integer >= `min`. Internal. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${name}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in the given range. Internal. */
export function checkNumber(
  name: string,
  value: unknown,
  range: { min?: number; max?: number; exclusiveMin?: boolean },
): number {
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, exclusiveMin = false } = range;
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok) {
    const lo = Number.isFinite(min) ? `${exclusiveMin ? '>' : '>='} ${min}` : '';
    const hi = Number.isFinite(max) ? `<= ${max}` : '';
    throw new Error(
      `${name}: expected a finite number ${[lo, hi].filter(Boolean).join(' and ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}

/** Throws unless `value` is a number in range or a scalar tensor (whose value is not read). Internal. */
export function checkNumberOrScalar(
  name: string,
  value: unknown,
  range: { min?: number; max?: number; exclusiveMin?: boolean },
): number | tf.Scalar {
  if (typeof value === 'number') return checkNumber(name, value, range);
  if (value !== null && typeof value === 'object' && 'rank' in value && 'shape' in value) {
    const t = value as tf.Tensor;
    if (t.rank !== 0)
      throw new Error(`${name}: expected a number or a scalar tensor, got shape [${t.shape.join(', ')}]`);
    return t as tf.Scalar;
  }
  throw new Error(`${name}: expected a number or a scalar tensor, got ${JSON.stringify(value)}`);
}

/** Throws unless `value` is a boolean. Internal. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${name}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}
