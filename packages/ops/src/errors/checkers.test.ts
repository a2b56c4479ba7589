import { describe, expect, it } from 'vitest';
import { checkBoolean, checkIntAtLeast, checkNumber, checkOneOf, checkPositive, checkPositiveInt } from './checkers.ts';
import { OpsError } from './ops-error.ts';

describe('ops checkers', () => {
  it('return valid values unchanged', () => {
    expect(checkPositiveInt('steps', 3)).toBe(3);
    expect(checkIntAtLeast('n', 0, 0)).toBe(0);
    expect(checkNumber('beta', 1, { min: 0, max: 1 })).toBe(1);
    expect(checkOneOf('mode', 'a', ['a', 'b'])).toBe('a');
    expect(checkBoolean('flag', false)).toBe(false);
  });

  it('throw an OpsError naming the option, in the "<name> must be <expected>, got <value>" style', () => {
    expect(() => checkPositiveInt('steps', 0)).toThrow(OpsError);
    expect(() => checkPositiveInt('steps', 0)).toThrow(
      expect.objectContaining({
        name: 'OpsError',
        code: 'invalid-option',
        option: 'steps',
        message: 'steps must be an integer >= 1, got 0',
      }),
    );
    expect(() => checkPositive('eps', Number.NaN)).toThrow(/^eps must be a finite number > 0, got NaN$/);
    expect(() => checkNumber('beta', 2, { min: 0, max: 1 })).toThrow(
      /^beta must be a finite number >= 0 and <= 1, got 2$/,
    );
    expect(() => checkOneOf('mode', 'c', ['a', 'b'])).toThrow(/^mode must be one of "a", "b", got "c"$/);
    expect(() => checkBoolean('flag', 'yes')).toThrow(/^flag must be true or false, got "yes"$/);
    expect(() => checkPositiveInt('n', 1.5)).toThrow(/^n must be an integer >= 1, got 1.5$/);
  });
});
