import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from '../core/attack.ts';
import { dlrTargeted } from '../core/losses.ts';
import type { Model } from '../core/model.ts';
import { numberInRangeOption, positiveIntOption } from '../core/option-values.ts';
import { createRng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { numClassesOf, validateAttackInputs, validateEps } from '../core/validate-inputs.ts';
import { apgdRun } from './apgd-run.ts';
import { rankedClassTargets, targetCount, targetRank } from './apgd-target-classes.ts';

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
  const nTargets = positiveIntOption(options.nTargets, 9, 'nTargets');
  const nIter = positiveIntOption(options.nIter, 100, 'nIter');
  const nRestarts = positiveIntOption(options.nRestarts, 1, 'nRestarts');
  const rho = numberInRangeOption(options.rho, 0.75, 'rho', 0, 1);
  const eotIter = positiveIntOption(options.eotIter, 1, 'eotIter');
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
    await validateAttackInputs(x, y, model);
    const classes = numClassesOf(model, x);
    if (classes < 4)
      throw new Error(`apgdTargeted: the targeted DLR loss needs at least 4 classes, the model has ${classes}`);
    const targets = targetCount(nTargets, classes);
    const rng = createRng(seed);
    // rounds: targets of rank 2 ... targets + 1, nRestarts restarts each
    return await attackRobustRounds(model, x, y, norm, eps, targets * nRestarts, async (round, xs, ys) => {
      const yTarget = rankedClassTargets(model, xs, targetRank(round, nRestarts));
      try {
        const out = await apgdRun(model, xs, ys, {
          norm,
          eps,
          nIter,
          rho,
          lossFn: dlrTargeted,
          eotIter,
          rng,
          targets: yTarget,
        });
        return { ...out, queries: (out.iterations + 2) * eotIter * xs.shape[0] };
      } finally {
        tf.dispose(yTarget);
      }
    });
  }

  return { name: 'apgd-t', norm, eps, settings, run };
}
