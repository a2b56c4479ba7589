import * as tf from '@tensorflow/tfjs';
import { rankedClassTargets, targetCount, targetRank } from '../apgd/apgd-target-classes.ts';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { checkEps, checkInRange, checkOneOf, checkPositiveInt } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { fabRunBatched } from './fab-run-batched.ts';
import { fabRunPerSample } from './fab-run-per-sample.ts';
import type { FabNorm, FabSettings } from './fab-step-parts.ts';

export type { FabNorm } from './fab-step-parts.ts';

/** How FAB-T computes its projections (see {@link FabTargetedOptions.projection}). */
export type FabProjection = 'auto' | 'per-sample' | 'batched';

/** Backends that run on the CPU: there a read is a copy and per-sample float64 loops are the faster projection. */
const CPU_BACKENDS = ['cpu', 'wasm', 'tensorflow'];

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
  /**
   * How the projections run (same results up to float32 rounding): `'per-sample'` reads the gradient back every
   * iteration and projects each point in float64 JS loops; `'batched'` keeps every step in tensor ops on the backend
   * and reads back once per run. `'auto'` (default) picks `'per-sample'` on the CPU backends (`cpu`, `wasm`,
   * `tensorflow`), where it was measured faster (the batched projection is ~90 small kernels per step), and
   * `'batched'` on the others (WebGPU, WebGL), where every read stalls the device.
   */
  projection?: FabProjection;
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
  const projection = checkOneOf('projection', options.projection ?? 'auto', ['auto', 'per-sample', 'batched'] as const);
  const fab: FabSettings = { norm, eps, steps, alphaMax, eta, beta };
  return defineAttack({
    name: 'fab-t',
    threat: { norm, eps },
    family: 'gradient',
    effort: { steps, restarts, targets: nTargets },
    settings: {
      norm,
      eps,
      nTargetClasses: nTargets,
      nIter: steps,
      nRestarts: restarts,
      alphaMax,
      eta,
      beta,
      seed,
      projection,
    },
    run: async ({ model, x, y, numClasses }) => {
      const targets = targetCount(nTargets, numClasses);
      const rng = createRng(seed);
      // rounds: targets of rank 2 ... targets + 1, `restarts` restarts each
      return attackRobustRounds(model, x, y, targets * restarts, async (round, xs, ys) => {
        const target = rankedClassTargets(model, xs, targetRank(round, restarts));
        try {
          const restart = round % restarts;
          const batched =
            projection === 'batched' || (projection === 'auto' && !CPU_BACKENDS.includes(tf.getBackend()));
          const runOnce = batched ? fabRunBatched : fabRunPerSample;
          const { adv, best } = await runOnce(model, xs, ys, target, fab, restart > 0 ? rng : undefined);
          return {
            xAdv: adv,
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
