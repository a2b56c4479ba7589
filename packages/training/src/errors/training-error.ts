import type { EdlErrorCode } from '@edl/ops';

/**
 * The one error type of `@edl/training`: `option` names the option or argument at fault (`epochs`, `eps`, `lr`...),
 * and the message starts with it and says what was expected. Codes: see `EdlErrorCode` of `@edl/ops`.
 */
export class TrainingError extends Error {
  /** Kind of failure. */
  readonly code: EdlErrorCode;
  /** The option or argument at fault. */
  readonly option: string;

  constructor(code: EdlErrorCode, option: string, message: string) {
    super(message);
    this.name = 'TrainingError';
    this.code = code;
    this.option = option;
  }
}
