/** An error the user can fix (bad flag, missing file, unknown dataset): the CLI prints it without a stack, exit 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Exit codes of the `edl` CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
