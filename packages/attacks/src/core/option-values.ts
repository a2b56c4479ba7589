import { validatePositiveInt } from './validate-inputs.ts';

/**
 * An integer option with its default: `value ?? fallback`, checked to be an integer >= 1.
 * @throws Error naming `name` (see {@link validatePositiveInt}).
 */
export function positiveIntOption(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  validatePositiveInt(v, name);
  return v;
}

/**
 * A numeric option with its default: `value ?? fallback`, checked to be a finite number in `[lo, hi]`.
 * @throws Error `${name} must be a number in [lo, hi], got v`.
 */
export function numberInRangeOption(
  value: number | undefined,
  fallback: number,
  name: string,
  lo: number,
  hi: number,
): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < lo || v > hi) throw new Error(`${name} must be a number in [${lo}, ${hi}], got ${v}`);
  return v;
}
