import { InvalidArgumentError } from 'commander';

/** Commander parser for a finite number, with the flag named in the error. */
export function num(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

/** Commander parser for an integer. */
export function int(value: string): number {
  const n = num(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

/** Commander parser for a comma-separated list of integers. */
export function intList(value: string): number[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => int(s.trim()));
}

/** Commander parser for a comma-separated list of numbers. */
export function numList(value: string): number[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => num(s.trim()));
}
