import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from './attack.ts';
import { attackStillRobust, startRobustPoints } from './auto-attack-robust-points.ts';
import { finalizeResult } from './finalize-result.ts';
import type { Model } from './model.ts';
import { createRng, type Rng } from './rng.ts';
import { squarePattern } from './square-l2-pattern.ts';
import { squarePSelection, squareSide } from './square-schedule.ts';
import { validateAttackInputs, validateEps, validatePositiveInt } from './validate-inputs.ts';

/** Options of {@link square}. Defaults are AutoAttack's. */
export interface SquareOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Query budget per restart (default 5000). */
  nQueries?: number;
  /** Initial fraction of changed pixels (default 0.8). */
  pInit?: number;
  /** Restarts on still-robust points (default 1). */
  nRestarts?: number;
  /** Rescale the p schedule to `nQueries` (the reference's `resc_schedule`; default false as in AutoAttack). */
  rescaleSchedule?: boolean;
  /** Seed (default 0). Same seed, same result. */
  seed?: number;
}

interface Geometry {
  n: number;
  h: number;
  w: number;
  c: number;
  size: number;
}

function index(g: Geometry, s: number, r: number, col: number, ch: number): number {
  return ((s * g.h + r) * g.w + col) * g.c + ch;
}

/** Logit margins z_y - max_{j != y} z_j of the given rows (one model query each). */
function margins(model: Model, data: Float32Array, g: Geometry, count: number, labels: number[]): number[] {
  const logits = tf.tidy(() => model(tf.tensor4d(data.subarray(0, count * g.size), [count, g.h, g.w, g.c])));
  const z = logits.dataSync();
  const classes = logits.shape[1];
  logits.dispose();
  return labels.map((y, s) => {
    let other = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < classes; j++)
      if (j !== y) other = Math.max(other, z[s * classes + j] ?? Number.NEGATIVE_INFINITY);
    return (z[s * classes + y] ?? 0) - other;
  });
}

function sign(rng: Rng): number {
  return rng.uniform() < 0.5 ? -1 : 1;
}

function rowL2(v: Float32Array | Float64Array, from: number, size: number): number {
  let acc = 0;
  for (let i = from; i < from + size; i++) acc += (v[i] ?? 0) ** 2;
  return Math.sqrt(acc);
}

/** l-inf initialisation: vertical stripes x + eps * s, s in {-1, 1} per sample, column and channel. */
function initLinf(x: Float32Array, g: Geometry, eps: number, rng: Rng): Float32Array {
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

/** l2 initialisation: a grid of s x s pattern blocks with random signs per sample and channel, scaled to eps. */
function initL2(x: Float32Array, g: Geometry, eps: number, rng: Rng): Float32Array {
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
function applyL2(x: Float32Array, delta: Float64Array, g: Geometry, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let s = 0; s < g.n; s++) {
    const scale = eps / (rowL2(delta, s * g.size, g.size) + 1e-12);
    for (let i = s * g.size; i < (s + 1) * g.size; i++)
      out[i] = Math.min(1, Math.max(0, (x[i] ?? 0) + scale * (delta[i] ?? 0)));
  }
  return out;
}

interface Window {
  r: number;
  c: number;
  s: number;
}

function inWindow(win: Window, r: number, c: number): boolean {
  return r >= win.r && r < win.r + win.s && c >= win.c && c < win.c + win.s;
}

function randomWindow(g: Geometry, s: number, rng: Rng): Window {
  return { r: Math.floor(rng.uniform() * (g.h - s)), c: Math.floor(rng.uniform() * (g.w - s)), s };
}

/** l-inf proposal: one window (same for the batch) set to x_best + 2 eps * sign per channel, projected. */
function proposeLinf(
  x: Float32Array,
  best: Float32Array,
  rows: number[],
  g: Geometry,
  eps: number,
  it: number,
  opts: Required<Pick<SquareOptions, 'pInit'>> & { rescale: number | undefined },
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

/** l2 proposal (AutoAttack `square.py`, L2 branch): move mass from a second window into a new pattern window. */
function proposeL2(
  x: Float32Array,
  best: Float32Array,
  rows: number[],
  g: Geometry,
  eps: number,
  it: number,
  opts: Required<Pick<SquareOptions, 'pInit'>> & { rescale: number | undefined },
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

/**
 * One Square-attack run (AutoAttack `square.py: attack_single_run`) on a batch; returns the best images, whether each
 * sample was fooled and the queries used per sample.
 */
function squareRun(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  norm: 'linf' | 'l2',
  eps: number,
  nQueries: number,
  opts: Required<Pick<SquareOptions, 'pInit'>> & { rescale: number | undefined },
  rng: Rng,
): { best: Float32Array; fooled: boolean[]; queries: number[] } {
  const [n, h, w, c] = x.shape;
  const g: Geometry = { n, h, w, c, size: h * w * c };
  const xd = Float32Array.from(x.dataSync());
  const labels = Array.from(y.dataSync());
  const best = norm === 'linf' ? initLinf(xd, g, eps, rng) : initL2(xd, g, eps, rng);
  const marginMin = margins(model, best, g, n, labels);
  const queries = new Array<number>(n).fill(1);
  for (let it = 0; it < nQueries; it++) {
    const rows = marginMin.flatMap((m, s) => (m > 0 ? [s] : []));
    if (rows.length === 0) break;
    const proposal =
      norm === 'linf'
        ? proposeLinf(xd, best, rows, g, eps, it, opts, rng)
        : proposeL2(xd, best, rows, g, eps, it, opts, rng);
    const m = margins(
      model,
      proposal,
      g,
      rows.length,
      rows.map((s) => labels[s] ?? 0),
    );
    rows.forEach((s, k) => {
      queries[s] = (queries[s] ?? 0) + 1;
      const mk = m[k] ?? Number.POSITIVE_INFINITY;
      if (mk < (marginMin[s] ?? 0) || mk <= 0) {
        marginMin[s] = mk;
        best.set(proposal.subarray(k * g.size, (k + 1) * g.size), s * g.size);
      }
    });
  }
  return { best, fooled: marginMin.map((m) => m <= 0), queries };
}

/**
 * Square attack (Andriushchenko et al. 2020), the score-based black-box attack of AutoAttack, l-inf and l2: random
 * square updates accepted when they lower the logit margin, a p schedule shrinking the squares, early stop per
 * sample once misclassified. Uses only forward passes (no gradients), so it is immune to gradient masking. NHWC,
 * non-square images supported. Samples never fooled are returned clean.
 */
export function square(options: SquareOptions): Attack {
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`square: norm must be 'linf' or 'l2', got ${String(norm)}`);
  validateEps(options.eps, 'eps');
  const eps = options.eps;
  const nQueries = options.nQueries ?? 5000;
  validatePositiveInt(nQueries, 'nQueries');
  const pInit = options.pInit ?? 0.8;
  if (!Number.isFinite(pInit) || pInit <= 0 || pInit > 1)
    throw new Error(`pInit must be a number in (0, 1], got ${pInit}`);
  const nRestarts = options.nRestarts ?? 1;
  validatePositiveInt(nRestarts, 'nRestarts');
  const rescaleSchedule = options.rescaleSchedule ?? false;
  const seed = options.seed ?? 0;
  const settings: Record<string, unknown> = {
    norm,
    eps,
    nQueries,
    pInit,
    nRestarts,
    rescaleSchedule,
    seed,
    loss: 'margin',
    gradientFree: true,
  };
  const opts = { pInit, rescale: rescaleSchedule ? nQueries : undefined };

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<AttackResult> {
    validateAttackInputs(x, y, model);
    const rng = createRng(seed);
    const state = startRobustPoints(model, x, y);
    let queries = 0;
    try {
      for (let restart = 0; restart < nRestarts; restart++) {
        await attackStillRobust(state, x, y, (xs, ys) => {
          const out = squareRun(model, xs, ys, norm, eps, nQueries, opts, rng);
          queries += out.queries.reduce((a, b) => a + b, 0) / x.shape[0];
          return { xAdv: tf.tensor4d(out.best, xs.shape), fooled: out.fooled };
        });
      }
    } catch (err) {
      state.adv.dispose();
      throw err;
    }
    return finalizeResult(model, x, state.adv, y, norm, { eps, queries });
  }

  return { name: 'square', norm, eps, settings, run };
}
