import * as tf from '@tensorflow/tfjs';
import { rankedClassTargets, targetCount, targetRank } from '../apgd/apgd-target-classes.ts';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { checkEps, checkInRange, checkOneOf, checkPositiveInt } from '../core/errors.ts';
import type { Model } from '../core/model.ts';
import { readValues } from '../core/read.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab-projections.ts';

/** Options of {@link fabTargeted}. Defaults are AutoAttack's. */
export interface FabTargetedOptions {
  /** Budget: a point counts as fooled only if its perturbation norm is <= eps. */
  eps: number;
  /** 'linf' (default), 'l2' or 'l1'. */
  norm?: FabNorm;
  /** Target classes: the 2nd ... (nTargets+1)-th highest clean logits, capped at classes - 1 (default 9). */
  nTargets?: number;
  /** Iterations per target and restart (default 100, the reference `n_iter`). */
  steps?: number;
  /**
   * Restarts per target; restarts after the first start at a random point of radius eps / 2 (default 1, the
   * reference `n_restarts`).
   */
  restarts?: number;
  /** Largest weight of the step from the original point (default 0.1). */
  alphaMax?: number;
  /** Overshoot of the projection step (default 1.05). */
  eta?: number;
  /** Backward step towards the original point after a success (default 0.9). */
  beta?: number;
  /** Seed of the random restarts (default 0). */
  seed?: number;
}

/** Norms FAB-T minimises. */
export type FabNorm = 'linf' | 'l2' | 'l1';

interface FabSettings {
  norm: FabNorm;
  eps: number;
  steps: number;
  alphaMax: number;
  eta: number;
  beta: number;
}

function rowNorm(v: ArrayLike<number>, from: number, size: number, norm: FabNorm): number {
  let acc = 0;
  for (let i = from; i < from + size; i++) {
    const a = Math.abs(v[i] ?? 0);
    if (norm === 'linf') acc = Math.max(acc, a);
    else acc += norm === 'l2' ? a * a : a;
  }
  return norm === 'l2' ? Math.sqrt(acc) : acc;
}

/** z_t - z_y per sample and its input gradient (the linearisation FAB-T projects on). */
async function diffAndGrad(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  t: tf.Tensor1D,
): Promise<{ df: number[]; dg: Float32Array }> {
  const [df, dg] = tf.tidy((): tf.Tensor[] => {
    let kept: tf.Tensor1D | undefined;
    const grad = tf.grad((input: tf.Tensor) => {
      const logits = model(input as tf.Tensor4D);
      const classes = logits.shape[1] ?? 0;
      const hot = tf.sub(tf.oneHot(tf.cast(t, 'int32'), classes), tf.oneHot(tf.cast(y, 'int32'), classes));
      const diff = tf.sum(tf.mul(logits, hot), 1) as tf.Tensor1D;
      kept = tf.keep(diff);
      return tf.sum(diff);
    })(x);
    const diff = kept as tf.Tensor1D;
    const out = [tf.clone(diff), grad];
    diff.dispose();
    return out;
  });
  if (df === undefined || dg === undefined) throw new Error('fabTargeted: gradient computation failed');
  try {
    const [dfData, dgData] = await Promise.all([df.data(), dg.data()]);
    return { df: Array.from(dfData, Number), dg: Float32Array.from(dgData) };
  } finally {
    tf.dispose([df, dg]);
  }
}

async function predictions(model: Model, data: Float32Array, shape: number[]): Promise<number[]> {
  return readValues(tf.tidy(() => tf.argMax(model(tf.tensor4d(data, shape as [number, number, number, number])), 1)));
}

/**
 * One FAB-T run (AutoAttack `fab_base.py: attack_single_run`, targeted) on points that are all correctly classified.
 * Returns the smallest-norm adversarial point found per sample and its norm (Infinity if none).
 */
async function fabRun(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  target: tf.Tensor1D,
  settings: FabSettings,
  start: { rng: Rng; radius: number[] } | undefined,
): Promise<{ adv: Float32Array; best: number[] }> {
  const { norm, steps, alphaMax, eta, beta } = settings;
  const shape = [...x.shape];
  const n = x.shape[0];
  const size = x.size / n;
  const x0 = Float32Array.from(await x.data());
  const labels = Array.from(await y.data());
  const adv = Float32Array.from(x0);
  const best = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const x1 = Float32Array.from(x0);
  if (start !== undefined) {
    for (let s = 0; s < n; s++) {
      const draw = Array.from({ length: size }, () =>
        norm === 'linf' ? start.rng.uniform(-1, 1) : start.rng.normal(),
      );
      const scale = (start.radius[s] ?? 0) / 2 / Math.max(rowNorm(draw, 0, size, norm), 1e-12);
      for (let i = 0; i < size; i++)
        x1[s * size + i] = Math.min(1, Math.max(0, (x0[s * size + i] ?? 0) + scale * (draw[i] ?? 0)));
    }
  }
  const project =
    norm === 'linf' ? projectHyperplaneBoxLinf : norm === 'l2' ? projectHyperplaneBoxL2 : projectHyperplaneBoxL1;
  for (let it = 0; it < steps; it++) {
    const x1t = tf.tensor4d(x1, shape as [number, number, number, number]);
    const { df, dg } = await diffAndGrad(model, x1t, y, target).finally(() => x1t.dispose());
    for (let s = 0; s < n; s++) {
      const off = s * size;
      const w = dg.subarray(off, off + size);
      const p1 = x1.subarray(off, off + size);
      const p0 = x0.subarray(off, off + size);
      let wx = 0;
      for (let i = 0; i < size; i++) wx += (w[i] ?? 0) * (p1[i] ?? 0);
      const b = wx - (df[s] ?? 0);
      const d1 = project(p1, w, b);
      const d2 = project(p0, w, b);
      const a1 = Math.max(rowNorm(d1, 0, size, norm), 1e-8);
      const a2 = Math.max(rowNorm(d2, 0, size, norm), 1e-8);
      const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), alphaMax);
      for (let i = 0; i < size; i++) {
        const v = ((p1[i] ?? 0) + eta * (d1[i] ?? 0)) * (1 - alpha) + ((p0[i] ?? 0) + eta * (d2[i] ?? 0)) * alpha;
        x1[off + i] = Math.min(1, Math.max(0, v));
      }
    }
    const pred = await predictions(model, x1, shape);
    for (let s = 0; s < n; s++) {
      if (pred[s] === labels[s]) continue;
      const off = s * size;
      const diff = new Float64Array(size);
      for (let i = 0; i < size; i++) diff[i] = (x1[off + i] ?? 0) - (x0[off + i] ?? 0);
      const dist = rowNorm(diff, 0, size, norm);
      if (dist < (best[s] ?? Number.POSITIVE_INFINITY)) {
        best[s] = dist;
        adv.set(x1.subarray(off, off + size), off);
      }
      for (let i = 0; i < size; i++)
        x1[off + i] = (x0[off + i] ?? 0) + beta * ((x1[off + i] ?? 0) - (x0[off + i] ?? 0));
    }
  }
  return { adv, best };
}

/**
 * FAB-T (Croce and Hein 2020), the targeted Fast Adaptive Boundary attack of AutoAttack: for each target (2nd ...
 * (nTargets+1)-th highest clean logit) it linearises `z_t - z_y`, projects both the current and the original point
 * onto the linearised boundary intersected with the box (minimal l-inf, l2 or l1 norm), takes a biased step between the
 * two, and after each success steps back towards the original point. A point counts as fooled only if the
 * adversarial point found has norm <= eps; the others are returned clean.
 */
export function fabTargeted(options: FabTargetedOptions): Attack {
  const norm = checkOneOf('norm', options.norm ?? 'linf', ['linf', 'l2', 'l1'] as const);
  const eps = checkEps('eps', options.eps);
  const nTargets = checkPositiveInt('nTargets', options.nTargets ?? 9);
  const steps = checkPositiveInt('steps', options.steps ?? 100);
  const restarts = checkPositiveInt('restarts', options.restarts ?? 1);
  const alphaMax = checkInRange('alphaMax', options.alphaMax ?? 0.1, 0, 1);
  const eta = checkInRange('eta', options.eta ?? 1.05, 1, 10);
  const beta = checkInRange('beta', options.beta ?? 0.9, 0, 1);
  const seed = options.seed ?? 0;
  const fab: FabSettings = { norm, eps, steps, alphaMax, eta, beta };
  return defineAttack({
    name: 'fab-t',
    threat: { norm, eps },
    family: 'gradient',
    effort: { steps, restarts, targets: nTargets },
    settings: { norm, eps, nTargetClasses: nTargets, nIter: steps, nRestarts: restarts, alphaMax, eta, beta, seed },
    run: async ({ model, x, y, numClasses }) => {
      const targets = targetCount(nTargets, numClasses);
      const rng = createRng(seed);
      // rounds: targets of rank 2 ... targets + 1, `restarts` restarts each
      return attackRobustRounds(model, x, y, targets * restarts, async (round, xs, ys) => {
        const target = rankedClassTargets(model, xs, targetRank(round, restarts));
        try {
          const restart = round % restarts;
          const start = restart > 0 ? { rng, radius: new Array<number>(xs.shape[0]).fill(eps) } : undefined;
          const { adv, best } = await fabRun(model, xs, ys, target, fab, start);
          return {
            xAdv: tf.tensor4d(adv, xs.shape),
            success: best.map((v) => v <= eps),
            queries: (2 * steps + 1) * xs.shape[0],
          };
        } finally {
          target.dispose();
        }
      });
    },
  });
}
