import { describe, expect, it } from 'vitest';
import { checkBoolean, checkIntAtLeast, checkNumber, checkOneOf, checkPositive, checkPositiveInt } from './checkers.ts';
import { OpsError } from './ops-error.ts';

function caught(f: () => unknown): OpsError {
  try {
    f();
  } catch (err) {
    return err as OpsError;
  }
  throw new Error('expected a throw');
}

describe('ops checkers', () => {
  it('return valid values unchanged', () => {
    expect(checkPositiveInt('steps', 3)).toBe(3);
    expect(checkIntAtLeast('n', 0, 0)).toBe(0);
    expect(checkNumber('beta', 1, { min: 0, max: 1 })).toBe(1);
    expect(checkOneOf('mode', 'a', ['a', 'b'])).toBe('a');
    expect(checkBoolean('flag', false)).toBe(false);
  });

  it('throw an OpsError naming the option, in the "<name> must be <expected>, got <value>" style', () => {
    const e = caught(() => checkPositiveInt('steps', 0));
    expect(e).toBeInstanceOf(OpsError);
    expect(e.name).toBe('OpsError');
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('steps');
    expect(e.message).toBe('steps must be an integer >= 1, got 0');
    expect(caught(() => checkPositive('eps', Number.NaN)).message).toBe('eps must be a finite number > 0, got NaN');
    expect(caught(() => checkNumber('beta', 2, { min: 0, max: 1 })).message).toBe(
      'beta must be a finite number >= 0 and <= 1, got 2',
    );
    expect(caught(() => checkOneOf('mode', 'c', ['a', 'b'])).message).toBe('mode must be one of "a", "b", got "c"');
    expect(caught(() => checkBoolean('flag', 'yes')).message).toBe('flag must be true or false, got "yes"');
    expect(caught(() => checkPositiveInt('n', 1.5)).message).toBe('n must be an integer >= 1, got 1.5');
  });
});
