import { checkPositiveInt } from '../core/errors.ts';

/**
 * Lengths of the APGD checkpoint intervals for `nIter` iterations (AutoAttack `autopgd_base.py`): the first is
 * `max(floor(0.22 N), 1)`, each next one shrinks by `max(floor(0.03 N), 1)` down to `max(floor(0.06 N), 1)`.
 * For N = 100: 22, 19, 16, 13, 10, 7, 6, 6, ... The intervals listed cover at most `nIter` iterations.
 */
export function apgdCheckpointIntervals(nIter: number): number[] {
  checkPositiveInt('nIter', nIter);
  let k = Math.max(Math.floor(0.22 * nIter), 1);
  const decrease = Math.max(Math.floor(0.03 * nIter), 1);
  const minimum = Math.max(Math.floor(0.06 * nIter), 1);
  const out: number[] = [];
  let used = 0;
  while (used + k <= nIter) {
    out.push(k);
    used += k;
    k = Math.max(k - decrease, minimum);
  }
  return out;
}

/**
 * The iterations (0-based) after which APGD checks whether to halve its step size, for `nIter` iterations.
 * For N = 100: 21, 40, 56, 69, 79, 86, 92, 98.
 */
export function apgdCheckpoints(nIter: number): number[] {
  let at = -1;
  return apgdCheckpointIntervals(nIter).map((k) => {
    at += k;
    return at;
  });
}

/**
 * APGD's oscillation test (`check_oscillation`): true when the loss increased in at most `rho * k` of the last `k`
 * steps. `history[j]` is the loss after iteration j (`history[-1]`, the loss at the start point, is `start`).
 */
export function lossOscillates(history: readonly number[], start: number, j: number, k: number, rho: number): boolean {
  let increases = 0;
  for (let c = 0; c < k; c++) {
    const now = history[j - c] ?? start;
    const before = j - c - 1 >= 0 ? (history[j - c - 1] ?? start) : start;
    if (now > before) increases++;
  }
  return increases <= k * rho;
}
