import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { AttackError, checkEps, checkInRange, checkOneOf, checkPositiveInt } from '../core/errors.ts';
import { dlrTargeted } from '../core/losses.ts';
import { createRng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { apgdRun } from './apgd-run.ts';
import { rankedClassTargets, targetCount, targetRank } from './apgd-target-classes.ts';

/** Options of {@link apgdTargeted}. Defaults are AutoAttack's. */
export interface ApgdTargetedOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /**
   * Target classes tried: the 2nd ... (nTargets+1)-th highest clean logits; capped at classes - 1 (default 9, the
   * reference `n_target_classes`).
   */
  nTargets?: number;
  /** Iterations per target and restart (default 100, the reference `n_iter`). */
  steps?: number;
  /** Restarts per target (default 1, the reference `n_restarts`). */
  restarts?: number;
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
  const norm = checkOneOf('norm', options.norm ?? 'linf', ['linf', 'l2'] as const);
  const eps = checkEps('eps', options.eps);
  const nTargets = checkPositiveInt('nTargets', options.nTargets ?? 9);
  const steps = checkPositiveInt('steps', options.steps ?? 100);
  const restarts = checkPositiveInt('restarts', options.restarts ?? 1);
  const rho = checkInRange('rho', options.rho ?? 0.75, 0, 1);
  const eotIter = checkPositiveInt('eotIter', options.eotIter ?? 1);
  const seed = options.seed ?? 0;
  return defineAttack({
    name: 'apgd-t',
    threat: { norm, eps },
    family: 'gradient',
    effort: { steps, restarts, targets: nTargets },
    settings: {
      norm,
      eps,
      loss: 'dlr-targeted',
      nTargetClasses: nTargets,
      nIter: steps,
      nRestarts: restarts,
      rho,
      eotIter,
      seed,
    },
    run: async ({ model, x, y, numClasses }) => {
      if (numClasses < 4) {
        throw new AttackError(
          'unsupported-model',
          'model',
          `apgdTargeted: the targeted DLR loss needs at least 4 classes, the model has ${numClasses}`,
        );
      }
      const targets = targetCount(nTargets, numClasses);
      const rng = createRng(seed);
      // rounds: targets of rank 2 ... targets + 1, `restarts` restarts each
      return attackRobustRounds(model, x, y, targets * restarts, async (round, xs, ys) => {
        const yTarget = rankedClassTargets(model, xs, targetRank(round, restarts));
        try {
          const out = await apgdRun(model, xs, ys, {
            norm,
            eps,
            steps,
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
    },
  });
}
