import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { checkEps, checkOneOf, checkPositiveInt, invalidOption } from '../core/errors.ts';
import type { Model } from '../core/model.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import type { Geometry } from './square-geometry.ts';
import { initL2, proposeL2 } from './square-l2.ts';
import { initLinf, proposeLinf, type SquareSchedule } from './square-linf.ts';

/** Options of {@link square}. Defaults are AutoAttack's. */
export interface SquareOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Query budget per restart (default 5000, the reference `n_queries`). */
  queries?: number;
  /** Initial fraction of changed pixels (default 0.8). */
  pInit?: number;
  /** Restarts on still-robust points (default 1, the reference `n_restarts`). */
  restarts?: number;
  /** Rescale the p schedule to `queries` (the reference's `resc_schedule`; default false as in AutoAttack). */
  rescaleSchedule?: boolean;
  /** Seed (default 0). Same seed, same result. */
  seed?: number;
}

/** Logit margins z_y - max_{j != y} z_j of the given rows (one model query each). */
async function margins(
  model: Model,
  data: Float32Array,
  g: Geometry,
  count: number,
  labels: number[],
): Promise<number[]> {
  const logits = tf.tidy(() => model(tf.tensor4d(data.subarray(0, count * g.size), [count, g.h, g.w, g.c])));
  const classes = logits.shape[1];
  const z = await logits.data();
  logits.dispose();
  return labels.map((y, s) => {
    let other = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < classes; j++)
      if (j !== y) other = Math.max(other, z[s * classes + j] ?? Number.NEGATIVE_INFINITY);
    return (z[s * classes + y] ?? 0) - other;
  });
}

/**
 * One Square-attack run (AutoAttack `square.py: attack_single_run`) on a batch; returns the best images, whether each
 * sample was fooled and the queries used per sample.
 */
async function squareRun(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  norm: 'linf' | 'l2',
  eps: number,
  maxQueries: number,
  opts: SquareSchedule,
  rng: Rng,
): Promise<{ best: Float32Array; success: boolean[]; queries: number[] }> {
  const [n, h, w, c] = x.shape;
  const g: Geometry = { n, h, w, c, size: h * w * c };
  const xd = Float32Array.from(await x.data());
  const labels = Array.from(await y.data());
  const best = norm === 'linf' ? initLinf(xd, g, eps, rng) : initL2(xd, g, eps, rng);
  const marginMin = await margins(model, best, g, n, labels);
  const queries = new Array<number>(n).fill(1);
  for (let it = 0; it < maxQueries; it++) {
    const rows = marginMin.flatMap((m, s) => (m > 0 ? [s] : []));
    if (rows.length === 0) break;
    const proposal =
      norm === 'linf'
        ? proposeLinf(xd, best, rows, g, eps, it, opts, rng)
        : proposeL2(xd, best, rows, g, eps, it, opts, rng);
    const m = await margins(
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
  return { best, success: marginMin.map((m) => m <= 0), queries };
}

/**
 * Square attack (Andriushchenko et al. 2020), the score-based black-box attack of AutoAttack, l-inf and l2: random
 * square updates accepted when they lower the logit margin, a p schedule shrinking the squares, early stop per
 * sample once misclassified. Uses only forward passes (no gradients), so it is immune to gradient masking. NHWC,
 * non-square images supported. Samples never fooled are returned clean.
 */
export function square(options: SquareOptions): Attack {
  const norm = checkOneOf('norm', options.norm ?? 'linf', ['linf', 'l2'] as const);
  const eps = checkEps('eps', options.eps);
  const queries = checkPositiveInt('queries', options.queries ?? 5000);
  const pInit = options.pInit ?? 0.8;
  if (!Number.isFinite(pInit) || pInit <= 0 || pInit > 1) invalidOption('pInit', 'a number in (0, 1]', pInit);
  const restarts = checkPositiveInt('restarts', options.restarts ?? 1);
  const rescaleSchedule = options.rescaleSchedule ?? false;
  const seed = options.seed ?? 0;
  const opts = { pInit, rescale: rescaleSchedule ? queries : undefined };
  return defineAttack({
    name: 'square',
    threat: { norm, eps },
    family: 'gradient-free',
    effort: { steps: queries, restarts },
    settings: { norm, eps, nQueries: queries, pInit, nRestarts: restarts, rescaleSchedule, seed, loss: 'margin' },
    run: async ({ model, x, y }) => {
      const rng = createRng(seed);
      return attackRobustRounds(model, x, y, restarts, async (_restart, xs, ys) => {
        const out = await squareRun(model, xs, ys, norm, eps, queries, opts, rng);
        return {
          xAdv: tf.tensor4d(out.best, xs.shape),
          success: out.success,
          queries: out.queries.reduce((a, b) => a + b, 0),
        };
      });
    },
  });
}
