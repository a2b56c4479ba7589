/**
 * What went wrong, the one vocabulary of error codes of the `@edl/*` packages (documented in CONTRIBUTING.md):
 *
 * - `'invalid-option'`: an option or argument has a value outside what is accepted (the checkers throw this).
 * - `'invalid-input'`: a tensor, array or data set has the wrong shape, dtype or content.
 * - `'invalid-state'`: a call made at the wrong time (a layer not built yet, a store without a checkpoint).
 * - `'invalid-file'`: a file or byte buffer that does not parse as the format it claims.
 * - `'unsupported'`: this platform or backend cannot do it (no WebGPU, not Node, no native kernels).
 * - `'out-of-memory'`: a tensor or buffer could not be allocated (the wasm heap's 4 GB, the process's memory); the
 *   message names the fixes (batch size, gradient accumulation, recomputation).
 */
export type EdlErrorCode =
  | 'invalid-option'
  | 'invalid-input'
  | 'invalid-state'
  | 'invalid-file'
  | 'unsupported'
  | 'out-of-memory';
