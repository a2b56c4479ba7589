import { describe, expect, it } from 'vitest';
import { targetRank } from '../apgd/apgd-target-classes.ts';
import { numberInRangeOption, positiveIntOption } from './option-values.ts';

describe('positiveIntOption', () => {
  it('returns the value, or the default when undefined', () => {
    expect(positiveIntOption(7, 100, 'nIter')).toBe(7);
    expect(positiveIntOption(undefined, 100, 'nIter')).toBe(100);
  });

  it('rejects non-integers and values < 1, naming the option', () => {
    expect(() => positiveIntOption(0, 100, 'nIter')).toThrow('nIter must be an integer >= 1, got 0');
    expect(() => positiveIntOption(2.5, 1, 'nRestarts')).toThrow('nRestarts must be an integer >= 1, got 2.5');
    expect(() => positiveIntOption(undefined, -1, 'eotIter')).toThrow(/eotIter/);
  });
});

describe('numberInRangeOption', () => {
  it('returns the value, or the default when undefined; bounds are inclusive', () => {
    expect(numberInRangeOption(0.5, 0.75, 'rho', 0, 1)).toBe(0.5);
    expect(numberInRangeOption(undefined, 0.75, 'rho', 0, 1)).toBe(0.75);
    expect(numberInRangeOption(0, 0.75, 'rho', 0, 1)).toBe(0);
    expect(numberInRangeOption(10, 1.05, 'eta', 1, 10)).toBe(10);
  });

  it('rejects values outside [lo, hi] and non-finite values, naming the option', () => {
    expect(() => numberInRangeOption(1.5, 0.75, 'rho', 0, 1)).toThrow('rho must be a number in [0, 1], got 1.5');
    expect(() => numberInRangeOption(0.5, 1.05, 'eta', 1, 10)).toThrow('eta must be a number in [1, 10], got 0.5');
    expect(() => numberInRangeOption(Number.NaN, 0.9, 'beta', 0, 1)).toThrow(/beta must be a number in \[0, 1\]/);
  });
});

describe('targetRank', () => {
  it('enumerates ranks 2.. (outer) times restarts (inner) in order', () => {
    for (const [targets, nRestarts] of [
      [1, 1],
      [3, 1],
      [3, 2],
      [2, 4],
    ] as const) {
      const expected: number[] = [];
      for (let rank = 2; rank <= targets + 1; rank++) for (let r = 0; r < nRestarts; r++) expected.push(rank);
      const got = Array.from({ length: targets * nRestarts }, (_, round) => targetRank(round, nRestarts));
      expect(got).toEqual(expected);
    }
  });
});
