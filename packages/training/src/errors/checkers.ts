import { createCheckers } from '@edl/ops';
import { TrainingError } from './training-error.ts';

/** The checkers of `@edl/training` (name first, `"<name> must be <expected>, got <value>"`): they throw {@link TrainingError}. Internal. */
export const {
  invalidOption,
  checkPositiveInt,
  checkNonNegativeInt,
  checkIntAtLeast,
  checkNumber,
  checkPositive,
  checkNonNegative,
  checkOneOf,
} = createCheckers(TrainingError);

/** Runs `checks`, prefixing the message of a {@link TrainingError} they throw with `where: ` (e.g. the method). */
export function checkedIn(where: string, checks: () => void): void {
  try {
    checks();
  } catch (err) {
    if (err instanceof TrainingError) throw new TrainingError(err.code, err.option, `${where}: ${err.message}`);
    throw err;
  }
}
