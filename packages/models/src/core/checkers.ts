import { createCheckers } from '@edl/ops';
import { ModelError } from './model-error.ts';

/** The checkers of `@edl/models` (name first, `"<name> must be <expected>, got <value>"`): they throw {@link ModelError}. Internal. */
export const { invalidOption, checkPositiveInt, checkNumber, checkPositive, checkOneOf } = createCheckers(ModelError);
