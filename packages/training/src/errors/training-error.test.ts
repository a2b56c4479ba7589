import { describe, expect, it } from 'vitest';
import { multiStepLr } from '../loop/lr-schedule.ts';
import { Sgd } from '../loop/sgd.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { TrainingError } from './training-error.ts';

function caught(f: () => unknown): TrainingError {
  try {
    f();
  } catch (err) {
    return err as TrainingError;
  }
  throw new Error('expected a throw');
}

describe('TrainingError', () => {
  it('is what bad options throw, naming the option in the checkers style', () => {
    const e = caught(() => pgdAT({ eps: 2, stepSize: 0.01, steps: 3 }));
    expect(e).toBeInstanceOf(TrainingError);
    expect(e.name).toBe('TrainingError');
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('eps');
    expect(e.message).toBe('pgdAT: eps must be a finite number > 0 and <= 1, got 2');
    expect(caught(() => pgdAT({ eps: 0.1, stepSize: 0.01, steps: 0 })).option).toBe('steps');
    expect(caught(() => new Sgd({ momentum: 1 })).message).toBe(
      'momentum must be a finite number >= 0 and <= 0.999999, got 1',
    );
    expect(caught(() => multiStepLr({ base: 0.1, milestones: [-1] })).option).toBe('milestones');
  });
});
