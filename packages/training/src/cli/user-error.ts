import type { EdlErrorCode } from '@edl/ops';
import { TrainingError } from '../errors/training-error.ts';

/**
 * An error the user can fix (bad flag, missing file, unknown dataset): the CLI prints it without a stack, exit 2. It
 * is a {@link TrainingError} (the package's one error type): `option` is the flag the message starts with
 * (`--eps: expected ...` gives `eps`) unless given, else `argv`; the code is `'invalid-option'` unless given.
 */
export class UserError extends TrainingError {
  constructor(message: string, option?: string, code: EdlErrorCode = 'invalid-option') {
    super(code, option ?? /^--([\w-]+)/.exec(message)?.[1] ?? 'argv', message);
    this.name = 'UserError';
  }
}

/** Exit codes of the `edl` CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
