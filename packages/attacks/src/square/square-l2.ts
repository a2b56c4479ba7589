import type { Rng } from '../core/rng.ts';
import { type Geometry, index, inWindow, randomWindow, rowL2, sign } from './square-geometry.ts';
import { squarePattern } from './square-l2-pattern.ts';
import type { SquareSchedule } from './square-linf.ts';
import { squarePSelection, squareSide } from './square-schedule.ts';

/** l2 initialisation: a grid of s x s pattern blocks with random signs per sample and channel, scaled to eps. */
export function initL2(x: Float32Array, g: Geometry, eps: number, rng: Rng): Float32Array {
  const delta = new Float64Array(x.length);
  const s = Math.max(1, Math.floor(Math.min(g.h, g.w) / 5));
  const rowsOfBlocks = Math.floor(g.h / s);
  const colsOfBlocks = Math.floor(g.w / s);
  const r0 = Math.floor((g.h - s * rowsOfBlocks) / 2);
  const c0 = Math.floor((g.w - s * colsOfBlocks) / 2);
  for (let br = 0; br < rowsOfBlocks; br++)
    for (let bc = 0; bc < colsOfBlocks; bc++) {
      const pattern = squarePattern(s, rng.uniform() > 0.5);
      for (let smp = 0; smp < g.n; smp++)
        for (let ch = 0; ch < g.c; ch++) {
          const sg = sign(rng);
          for (let r = 0; r < s; r++)
            for (let col = 0; col < s; col++) {
              const i = index(g, smp, r0 + br * s + r, c0 + bc * s + col, ch);
              delta[i] = (delta[i] ?? 0) + sg * (pattern[r * s + col] ?? 0);
            }
        }
    }
  return applyL2(x, delta, g, eps);
}

/** clip(x + eps * delta / ||delta||_2, 0, 1) per sample. */
export function applyL2(x: Float32Array, delta: Float64Array, g: Geometry, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let s = 0; s < g.n; s++) {
    const scale = eps / (rowL2(delta, s * g.size, g.size) + 1e-12);
    for (let i = s * g.size; i < (s + 1) * g.size; i++)
      out[i] = Math.min(1, Math.max(0, (x[i] ?? 0) + scale * (delta[i] ?? 0)));
  }
  return out;
}

/** l2 proposal (AutoAttack `square.py`, L2 branch): move mass from a second window into a new pattern window. */
export function proposeL2(
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
  let s = squareSide(p, g.h, g.w, 3);
  if (s % 2 === 0) s = s + 1 <= Math.min(g.h, g.w) ? s + 1 : s - 1;
  s = Math.max(1, s);
  const w1 = randomWindow(g, s, rng);
  const w2 = randomWindow(g, s, rng);
  const pattern = squarePattern(s, rng.uniform() > 0.5);
  const sub: Geometry = { ...g, n: rows.length };
  const xs = new Float32Array(rows.length * g.size);
  const delta = new Float64Array(rows.length * g.size);
  rows.forEach((smp, k) => {
    for (let i = 0; i < g.size; i++) {
      const xi = x[smp * g.size + i] ?? 0;
      xs[k * g.size + i] = xi;
      delta[k * g.size + i] = (best[smp * g.size + i] ?? 0) - xi;
    }
  });
  for (let k = 0; k < rows.length; k++) {
    const normImage = rowL2(delta, k * g.size, g.size);
    let windowsSq = 0;
    for (let r = 0; r < g.h; r++)
      for (let col = 0; col < g.w; col++)
        if (inWindow(w1, r, col) || inWindow(w2, r, col))
          for (let ch = 0; ch < g.c; ch++) windowsSq += (delta[index(sub, k, r, col, ch)] ?? 0) ** 2;
    const budget = Math.sqrt(Math.max(eps * eps - normImage * normImage, 0) / g.c + windowsSq);
    const fresh: Float64Array[] = [];
    for (let ch = 0; ch < g.c; ch++) {
      let oldNorm = 0;
      for (let r = 0; r < s; r++)
        for (let col = 0; col < s; col++) oldNorm += (delta[index(sub, k, w1.r + r, w1.c + col, ch)] ?? 0) ** 2;
      oldNorm = Math.sqrt(oldNorm);
      const sg = sign(rng);
      const block = new Float64Array(s * s);
      for (let r = 0; r < s; r++)
        for (let col = 0; col < s; col++)
          block[r * s + col] =
            sg * (pattern[r * s + col] ?? 0) +
            (delta[index(sub, k, w1.r + r, w1.c + col, ch)] ?? 0) / (1e-12 + oldNorm);
      const scale = budget / (1e-12 + rowL2(block, 0, s * s));
      for (let i = 0; i < block.length; i++) block[i] = (block[i] ?? 0) * scale;
      fresh.push(block);
    }
    for (let r = 0; r < s; r++)
      for (let col = 0; col < s; col++)
        for (let ch = 0; ch < g.c; ch++) delta[index(sub, k, w2.r + r, w2.c + col, ch)] = 0;
    for (let ch = 0; ch < g.c; ch++)
      for (let r = 0; r < s; r++)
        for (let col = 0; col < s; col++)
          delta[index(sub, k, w1.r + r, w1.c + col, ch)] = fresh[ch]?.[r * s + col] ?? 0;
  }
  return applyL2(xs, delta, sub, eps);
}
