// The checkers of @edl/datasets: the same functions, argument order and messages as `createCheckers` of @edl/ops,
// kept here because @edl/datasets imports no other @edl package. Internal.
import { DatasetError } from './dataset-error.ts';

function show(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** Throws a {@link DatasetError} of code 'invalid-option': `"<name> must be <expected>, got <value>"`. */
export function invalidOption(name: string, expected: string, value: unknown): never {
  throw new DatasetError('invalid-option', name, `${name} must be ${expected}, got ${show(value)}`);
}

/** `value`, checked to be an integer >= `min`. */
export function checkIntAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidOption(name, `an integer >= ${min}`, value);
  }
  return value as number;
}

/** `value`, checked to be an integer >= 1. */
export function checkPositiveInt(name: string, value: unknown): number {
  return checkIntAtLeast(name, value, 1);
}

/** `value`, checked to be an integer >= 0. */
export function checkNonNegativeInt(name: string, value: unknown): number {
  return checkIntAtLeast(name, value, 0);
}

/** `value`, checked to be a finite number > 0. */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(name, 'a finite number > 0', value);
  }
  return value as number;
}

/** `value`, checked to be one of `allowed`. */
export function checkOneOf<T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) invalidOption(name, `one of ${allowed.map(show).join(', ')}`, value);
  return value as T;
}
