import type { Rng } from '../core/rng.ts';
import { type Geometry, index, randomWindow, sign } from './square-geometry.ts';
import { squarePSelection, squareSide } from './square-schedule.ts';

/** The p schedule settings shared by the Square updates. */
export interface SquareSchedule {
  /** Initial fraction of changed pixels. */
  pInit: number;
  /** Query budget the schedule is rescaled to, or undefined for the reference's unscaled schedule. */
  rescale: number | undefined;
}

/** l-inf initialisation: vertical stripes x + eps * s, s in {-1, 1} per sample, column and channel. */
export function initLinf(x: Float32Array, g: Geometry, eps: number, rng: Rng): Float32Array {
  const out = new Float32Array(x.length);
  for (let s = 0; s < g.n; s++)
    for (let col = 0; col < g.w; col++)
      for (let ch = 0; ch < g.c; ch++) {
        const v = eps * sign(rng);
        for (let r = 0; r < g.h; r++) {
          const i = index(g, s, r, col, ch);
          out[i] = Math.min(1, Math.max(0, (x[i] ?? 0) + v));
        }
      }
  return out;
}

/** l-inf proposal: one window (same for the batch) set to x_best + 2 eps * sign per channel, projected. */
export function proposeLinf(
  x: Float32Array,
  best: Float32Array,
  rows: number[],
  g: Geometry,
  eps: number,
  it: number,
  opts: SquareSchedule,
  rng: Rng,
): Float32Array {
  const p = squarePSelection(it, opts.pInit, opts.rescale);
  const win = randomWindow(g, squareSide(p, g.h, g.w), rng);
  const signs = Array.from({ length: g.c }, () => 2 * eps * sign(rng));
  const out = new Float32Array(rows.length * g.size);
  rows.forEach((s, k) => {
    out.set(best.subarray(s * g.size, (s + 1) * g.size), k * g.size);
    for (let r = win.r; r < win.r + win.s; r++)
      for (let col = win.c; col < win.c + win.s; col++)
        for (let ch = 0; ch < g.c; ch++) {
          const i = index(g, s, r, col, ch);
          const xi = x[i] ?? 0;
          const v = Math.min(xi + eps, Math.max(xi - eps, (best[i] ?? 0) + (signs[ch] ?? 0)));
          out[index(g, k, r, col, ch)] = Math.min(1, Math.max(0, v));
        }
  });
  return out;
}
