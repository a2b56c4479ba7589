import type { EdlErrorCode } from './error-codes.ts';

/** An error class of the `@edl/*` shape: `new E(code, option, message)`. */
export type EdlErrorClass = new (code: EdlErrorCode, option: string, message: string) => Error;

/** Bounds for {@link Checkers.checkNumber}: `min` is inclusive unless `exclusiveMin`; `max` is inclusive. */
export interface NumberRange {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
}

/**
 * Argument checkers: each takes the option's name first, then the value, returns the value when it is valid and
 * otherwise throws the package's error of code `'invalid-option'` with the message
 * `"<name> must be <what was expected>, got <value>"` (the style of `@edl/attacks`).
 */
export interface Checkers {
  /** Throws `'invalid-option'` for `name`: `"<name> must be <expected>, got <value>"`. */
  invalidOption(name: string, expected: string, value: unknown): never;
  /** `value`, checked to be an integer >= 1. */
  checkPositiveInt(name: string, value: unknown): number;
  /** `value`, checked to be an integer >= 0. */
  checkNonNegativeInt(name: string, value: unknown): number;
  /** `value`, checked to be an integer >= `min`. */
  checkIntAtLeast(name: string, value: unknown, min: number): number;
  /** `value`, checked to be a finite number within `range`. */
  checkNumber(name: string, value: unknown, range?: NumberRange): number;
  /** `value`, checked to be a finite number > 0. */
  checkPositive(name: string, value: unknown): number;
  /** `value`, checked to be a finite number >= 0. */
  checkNonNegative(name: string, value: unknown): number;
  /** `value`, checked to be one of `allowed`. */
  checkOneOf<T>(name: string, value: unknown, allowed: readonly T[]): T;
  /** `value`, checked to be `true` or `false`. */
  checkBoolean(name: string, value: unknown): boolean;
}

function show(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

function rangeText({ min, max, exclusiveMin = false }: NumberRange): string {
  const lo = min !== undefined && Number.isFinite(min) ? `${exclusiveMin ? '>' : '>='} ${min}` : '';
  const hi = max !== undefined && Number.isFinite(max) ? `<= ${max}` : '';
  return ['a finite number', [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
}

/**
 * The {@link Checkers} that throw `ErrorClass` (the package's own error: `OpsError`, `LayerError`, `ModelError`,
 * `TrainingError`). For the `@edl/*` packages' own checkers modules; `@edl/datasets` and `@edl/attacks`, which
 * import no other `@edl` package, keep the same functions in their own `errors` module.
 */
export function createCheckers(ErrorClass: EdlErrorClass): Checkers {
  const invalidOption = (name: string, expected: string, value: unknown): never => {
    throw new ErrorClass('invalid-option', name, `${name} must be ${expected}, got ${show(value)}`);
  };
  const checkIntAtLeast = (name: string, value: unknown, min: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      invalidOption(name, `an integer >= ${min}`, value);
    }
    return value as number;
  };
  const checkNumber = (name: string, value: unknown, range: NumberRange = {}): number => {
    const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, exclusiveMin = false } = range;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (exclusiveMin ? value > min : value >= min) &&
      value <= max;
    if (!ok) invalidOption(name, rangeText(range), value);
    return value as number;
  };
  return {
    invalidOption,
    checkIntAtLeast,
    checkNumber,
    checkPositiveInt: (name, value) => checkIntAtLeast(name, value, 1),
    checkNonNegativeInt: (name, value) => checkIntAtLeast(name, value, 0),
    checkPositive: (name, value) => checkNumber(name, value, { min: 0, exclusiveMin: true }),
    checkNonNegative: (name, value) => checkNumber(name, value, { min: 0 }),
    checkOneOf: <T>(name: string, value: unknown, allowed: readonly T[]): T => {
      if (!allowed.includes(value as T)) invalidOption(name, `one of ${allowed.map(show).join(', ')}`, value);
      return value as T;
    },
    checkBoolean: (name, value) => {
      if (typeof value !== 'boolean') invalidOption(name, 'true or false', value);
      return value as boolean;
    },
  };
}
