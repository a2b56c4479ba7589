import { UserError } from './user-error.ts';

/**
 * The one rule for `--eps` of `edl attack` and `edl eval`: an L-inf budget lies in (0, 1] (images are in [0, 1], so a
 * larger budget allows any image); an L2 budget (`pgd-l2`) is any number > 0.
 */
export function checkEpsilon(eps: number, norm: 'linf' | 'l2'): void {
  if (norm === 'l2') {
    if (!(Number.isFinite(eps) && eps > 0)) throw new UserError(`--eps: expected an L2 budget > 0, got ${eps}`);
  } else if (!(eps > 0 && eps <= 1)) {
    throw new UserError(`--eps: expected an L-inf budget in (0, 1] (images are in [0, 1]), got ${eps}`);
  }
}

/** `--count` of `edl attack` / `edl eval`: a positive integer, named as the flag the user typed. */
export function checkCount(count: number): void {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new UserError(`--count: expected a positive integer, got ${count}`);
  }
}
