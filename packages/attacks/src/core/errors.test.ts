import { describe, expect, it } from 'vitest';
import { targetRank } from '../apgd/apgd-target-classes.ts';
import { AttackError, checkEps, checkInRange, checkOneOf, checkPositive, checkPositiveInt } from './errors.ts';

function caught(f: () => unknown): AttackError {
  try {
    f();
  } catch (err) {
    if (err instanceof AttackError) return err;
    throw err;
  }
  throw new Error('expected an AttackError');
}

describe('option checkers', () => {
  it('return the value when it is valid; bounds are inclusive', () => {
    expect(checkPositiveInt('steps', 7)).toBe(7);
    expect(checkEps('eps', 0)).toBe(0);
    expect(checkPositive('stepSize', 0.1)).toBe(0.1);
    expect(checkInRange('rho', 0, 0, 1)).toBe(0);
    expect(checkInRange('eta', 10, 1, 10)).toBe(10);
    expect(checkOneOf('norm', 'l2', ['linf', 'l2'])).toBe('l2');
  });

  it('throw an AttackError naming the option, the expectation and the value', () => {
    const e = caught(() => checkPositiveInt('steps', 0));
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('steps');
    expect(e.message).toBe('steps must be an integer >= 1, got 0');
    expect(caught(() => checkPositiveInt('restarts', 2.5)).message).toBe('restarts must be an integer >= 1, got 2.5');
    expect(caught(() => checkEps('eps', -0.1)).message).toBe('eps must be a finite number >= 0, got -0.1');
    expect(caught(() => checkEps('eps', Number.NaN)).option).toBe('eps');
    expect(caught(() => checkPositive('stepSize', 0)).message).toMatch(/stepSize must be a finite number > 0/);
    expect(caught(() => checkInRange('rho', 1.5, 0, 1)).message).toBe('rho must be a number in [0, 1], got 1.5');
    expect(caught(() => checkInRange('beta', Number.NaN, 0, 1)).option).toBe('beta');
    expect(caught(() => checkOneOf('norm', 'l1' as 'l2', ['linf', 'l2'])).message).toBe(
      "norm must be one of 'linf', 'l2', got l1",
    );
  });
});

describe('targetRank', () => {
  it('enumerates ranks 2.. (outer) times restarts (inner) in order', () => {
    for (const [targets, restarts] of [
      [1, 1],
      [3, 1],
      [3, 2],
      [2, 4],
    ] as const) {
      const expected: number[] = [];
      for (let rank = 2; rank <= targets + 1; rank++) for (let r = 0; r < restarts; r++) expected.push(rank);
      const got = Array.from({ length: targets * restarts }, (_, round) => targetRank(round, restarts));
      expect(got).toEqual(expected);
    }
  });
});
