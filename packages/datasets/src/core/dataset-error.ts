/**
 * What went wrong (the vocabulary shared by every `@edl/*` package, documented in CONTRIBUTING.md):
 * `'invalid-option'` a bad option or argument value, `'invalid-input'` data of the wrong shape or content,
 * `'invalid-state'` a call at the wrong time, `'invalid-file'` a file or archive that does not parse or is missing,
 * `'unsupported'` what this platform cannot do.
 */
export type DatasetErrorCode = 'invalid-option' | 'invalid-input' | 'invalid-state' | 'invalid-file' | 'unsupported';

/**
 * The one error type of `@edl/datasets`: `option` names the option or argument at fault (`batchSize`, `split`,
 * `path`...), and the message says what was expected.
 */
export class DatasetError extends Error {
  /** Kind of failure. */
  readonly code: DatasetErrorCode;
  /** The option or argument at fault. */
  readonly option: string;

  constructor(code: DatasetErrorCode, option: string, message: string) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.option = option;
  }
}
