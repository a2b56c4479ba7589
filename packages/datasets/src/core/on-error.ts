import { checkOneOf } from './checkers.ts';
/**
 * What a loader does with a bad record or file: `'throw'` (default) stops with an Error naming the file and the
 * record; `'skip'` leaves it out and goes on (nothing is skipped unless asked).
 */
export type OnError = 'throw' | 'skip';

/** Checks an `onError` option value and returns it, defaulting to `'throw'`. */
export function resolveOnError(value: OnError | undefined): OnError {
  const v = value ?? 'throw';
  return checkOneOf('onError', v, ['throw', 'skip'] as const);
}
