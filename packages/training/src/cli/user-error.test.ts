import { describe, expect, it } from 'vitest';
import { TrainingError } from '../errors/training-error.ts';
import { UserError } from './user-error.ts';

describe('UserError', () => {
  it("is the package's TrainingError: the flag the message starts with is its option, 'invalid-option' its code", () => {
    const e = new UserError('--eps: expected an L2 budget > 0, got -1');
    expect(e).toBeInstanceOf(TrainingError);
    expect(e.option).toBe('eps');
    expect(e.code).toBe('invalid-option');
    expect(e.name).toBe('UserError');
  });

  it("takes an explicit option and code, and says 'argv' when the message names no flag", () => {
    expect(new UserError('merge: no such file or folder: x').option).toBe('argv');
    const e = new UserError('runs/a/state.json: not readable JSON', 'state', 'invalid-file');
    expect([e.option, e.code]).toEqual(['state', 'invalid-file']);
  });
});
