import { describe, expect, it } from 'vitest';
import { multiStepLr } from '../loop/lr-schedule.ts';
import { Sgd } from '../loop/sgd.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { TrainingError } from './training-error.ts';

describe('TrainingError', () => {
  it('is what bad options throw, naming the option in the checkers style', () => {
    expect(() => pgdAT({ eps: 2, stepSize: 0.01, steps: 3 })).toThrow(TrainingError);
    expect(() => pgdAT({ eps: 2, stepSize: 0.01, steps: 3 })).toThrow(
      expect.objectContaining({
        name: 'TrainingError',
        code: 'invalid-option',
        option: 'eps',
        message: 'pgdAT: eps must be a finite number > 0 and <= 1, got 2',
      }),
    );
    expect(() => pgdAT({ eps: 0.1, stepSize: 0.01, steps: 0 })).toThrow(expect.objectContaining({ option: 'steps' }));
    expect(() => new Sgd({ momentum: 1 })).toThrow(/^momentum must be a finite number >= 0 and <= 0.999999, got 1$/);
    expect(() => multiStepLr({ base: 0.1, milestones: [-1] })).toThrow(
      expect.objectContaining({ option: 'milestones' }),
    );
  });
});
