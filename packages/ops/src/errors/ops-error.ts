import type { EdlErrorCode } from './error-codes.ts';

/**
 * The one error type of `@edl/ops`: `option` names the option or argument at fault (`threads`, `strides`,
 * `iterations`...), and the message starts with it and says what was expected.
 */
export class OpsError extends Error {
  /** Kind of failure. */
  readonly code: EdlErrorCode;
  /** The option or argument at fault. */
  readonly option: string;

  constructor(code: EdlErrorCode, option: string, message: string) {
    super(message);
    this.name = 'OpsError';
    this.code = code;
    this.option = option;
  }
}
