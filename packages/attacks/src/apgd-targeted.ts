import * as tf from '@tensorflow/tfjs';
import { apgdRun } from './apgd-run.ts';
import { rankedClassTargets, targetCount } from './apgd-target-classes.ts';
import type { Attack, AttackResult } from './attack.ts';
import { attackStillRobust, startRobustPoints } from './auto-attack-robust-points.ts';
import { finalizeResult } from './finalize-result.ts';
import { dlrTargeted } from './losses.ts';
import type { Model } from './model.ts';
import { createRng } from './rng.ts';
import { numClassesOf, validateAttackInputs, validateEps, validatePositiveInt } from './validate-inputs.ts';

/** Options of {@link apgdTargeted}. Defaults are AutoAttack's. */
export interface ApgdTargetedOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Target classes tried: the 2nd ... (nTargets+1)-th highest clean logits; capped at classes - 1 (default 9). */
  nTargets?: number;
  /** Iterations per target and restart (default 100). */
  nIter?: number;
  /** Restarts per target (default 1). */
  nRestarts?: number;
  /** Oscillation threshold (default 0.75). */
  rho?: number;
  /** Gradient averaged over this many calls per iterate (default 1). */
  eotIter?: number;
  /** Seed (default 0). */
  seed?: number;
}

/**
 * APGD-T (AutoAttack): for each target class, the 2nd to (nTargets+1)-th highest clean logit of each still-robust
 * point, one APGD run maximising the targeted DLR loss. Success means misclassification (not necessarily the
 * target), as in the reference. Needs >= 4 classes.
 */
export function apgdTargeted(options: ApgdTargetedOptions): Attack {
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2')
    throw new Error(`apgdTargeted: norm must be 'linf' or 'l2', got ${String(norm)}`);
  validateEps(options.eps, 'eps');
  const eps = options.eps;
  const nTargets = options.nTargets ?? 9;
  validatePositiveInt(nTargets, 'nTargets');
  const nIter = options.nIter ?? 100;
  validatePositiveInt(nIter, 'nIter');
  const nRestarts = options.nRestarts ?? 1;
  validatePositiveInt(nRestarts, 'nRestarts');
  const rho = options.rho ?? 0.75;
  if (!Number.isFinite(rho) || rho < 0 || rho > 1) throw new Error(`rho must be a number in [0, 1], got ${rho}`);
  const eotIter = options.eotIter ?? 1;
  validatePositiveInt(eotIter, 'eotIter');
  const seed = options.seed ?? 0;
  const settings: Record<string, unknown> = {
    norm,
    eps,
    loss: 'dlr-targeted',
    nTargets,
    nIter,
    nRestarts,
    rho,
    eotIter,
    seed,
  };

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<AttackResult> {
    validateAttackInputs(x, y, model);
    const classes = numClassesOf(model, x);
    if (classes < 4)
      throw new Error(`apgdTargeted: the targeted DLR loss needs at least 4 classes, the model has ${classes}`);
    const targets = targetCount(nTargets, classes);
    const rng = createRng(seed);
    const state = startRobustPoints(model, x, y);
    let queries = 0;
    try {
      for (let rank = 2; rank <= targets + 1; rank++) {
        for (let restart = 0; restart < nRestarts; restart++) {
          await attackStillRobust(state, x, y, (xs, ys) => {
            const yTarget = rankedClassTargets(model, xs, rank);
            try {
              const out = apgdRun(model, xs, ys, {
                norm,
                eps,
                nIter,
                rho,
                lossFn: dlrTargeted,
                eotIter,
                rng,
                targets: yTarget,
              });
              queries += ((out.iterations + 2) * eotIter * xs.shape[0]) / x.shape[0];
              return out;
            } finally {
              tf.dispose(yTarget);
            }
          });
        }
      }
    } catch (err) {
      state.adv.dispose();
      throw err;
    }
    return finalizeResult(model, x, state.adv, y, norm, { eps, queries });
  }

  return { name: 'apgd-t', norm, eps, settings, run };
}
