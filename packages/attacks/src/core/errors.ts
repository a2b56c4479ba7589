/** What went wrong: an option of a factory, an input of `run`, or a result that breaks the attack's contract. */
export type AttackErrorCode = 'invalid-option' | 'invalid-input' | 'unsupported-model' | 'broken-result';

/**
 * The one error type of `@edl/attacks`: `option` names the option or argument at fault (`eps`, `steps`, `x`,
 * `targets`...), and the message starts with it and says what was expected.
 */
export class AttackError extends Error {
  /** Kind of failure. */
  readonly code: AttackErrorCode;
  /** The option or argument at fault. */
  readonly option: string;

  constructor(code: AttackErrorCode, option: string, message: string) {
    super(message);
    this.name = 'AttackError';
    this.code = code;
    this.option = option;
  }
}

/** Throws an {@link AttackError} of code 'invalid-option' for `name`. */
export function invalidOption(name: string, expected: string, value: unknown): never {
  throw new AttackError('invalid-option', name, `${name} must be ${expected}, got ${String(value)}`);
}

/** `value`, checked to be an integer >= 1. */
export function checkPositiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalidOption(name, 'an integer >= 1', value);
  return value;
}

/** `value`, checked to be an integer >= 0. */
export function checkNonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) invalidOption(name, 'an integer >= 0', value);
  return value;
}

/** `value`, checked to be a finite number >= 0 (a budget, a kappa). */
export function checkEps(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalidOption(name, 'a finite number >= 0', value);
  }
  return value;
}

/** `value`, checked to be a finite number > 0 (a step size, a learning rate). */
export function checkPositive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(name, 'a finite number > 0', value);
  }
  return value;
}

/** `value`, checked to be a finite number in `[lo, hi]`. */
export function checkInRange(name: string, value: number, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    invalidOption(name, `a number in [${lo}, ${hi}]`, value);
  }
  return value;
}

/** `value`, checked to be a seed: a finite number or a string (what `createRng` accepts). */
export function checkSeed(name: string, value: unknown): number | string {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return invalidOption(name, 'a finite number or a string', value);
}

/** `value`, checked to be one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) invalidOption(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value;
}
