import { createCheckers } from './create-checkers.ts';
import { OpsError } from './ops-error.ts';

/** The checkers of `@edl/ops`: they throw {@link OpsError}. Internal. */
export const {
  invalidOption,
  checkPositiveInt,
  checkNonNegativeInt,
  checkIntAtLeast,
  checkNumber,
  checkPositive,
  checkNonNegative,
  checkOneOf,
  checkBoolean,
} = createCheckers(OpsError);
