import type { EdlErrorCode } from '@edl/ops';

/**
 * The one error type of `@edl/models`: `option` names the option or argument at fault (`depth`, `numClasses`, `path`...),
 * and the message starts with it and says what was expected. Codes: see `EdlErrorCode` of `@edl/ops`.
 */
export class ModelError extends Error {
  /** Kind of failure. */
  readonly code: EdlErrorCode;
  /** The option or argument at fault. */
  readonly option: string;

  constructor(code: EdlErrorCode, option: string, message: string) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
    this.option = option;
  }
}
