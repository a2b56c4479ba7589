import type * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { AttackError, checkEps, checkInRange, checkOneOf, checkPositiveInt, invalidOption } from '../core/errors.ts';
import { type LossFn, resolveLoss } from '../core/losses.ts';
import { createRng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { apgdRun } from './apgd-run.ts';

/** Options of {@link apgd}. Defaults are AutoAttack's. */
export interface ApgdOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** 'ce' (default, APGD-CE), 'dlr' (APGD-DLR, needs >= 3 classes) or a custom per-sample loss (higher = better). */
  loss?: 'ce' | 'dlr' | LossFn;
  /** Iterations per restart (default 100, the reference `n_iter`). */
  steps?: number;
  /** Restarts; each one attacks only the points still robust (default 1, the reference `n_restarts`). */
  restarts?: number;
  /** Oscillation threshold of the step-size rule (default 0.75). */
  rho?: number;
  /** Gradient averaged over this many model calls per iterate, for randomised models (EOT; default 1). */
  eotIter?: number;
  /** Seed of the random starts (default 0). Same seed, same result. */
  seed?: number;
  /** Name reported in results (default 'apgd-ce' / 'apgd-dlr' / 'apgd-custom'). */
  name?: string;
}

/**
 * Auto-PGD (Croce and Hein 2020) in l-inf or l2 with the cross-entropy or DLR loss, AutoAttack defaults: 100
 * iterations, step 2 eps, momentum 0.75, checkpoints at 22, 19, 16, ... iterations with step halving and restart
 * from the best point, restarts on still-robust points only. A sample counts as a success at its first
 * misclassified iterate; samples never fooled are returned clean. Results lie inside the eps-ball and the [0, 1] box.
 */
export function apgd(options: ApgdOptions): Attack {
  const norm = checkOneOf('norm', options.norm ?? 'linf', ['linf', 'l2'] as const);
  const eps = checkEps('eps', options.eps);
  const steps = checkPositiveInt('steps', options.steps ?? 100);
  const restarts = checkPositiveInt('restarts', options.restarts ?? 1);
  const rho = checkInRange('rho', options.rho ?? 0.75, 0, 1);
  const eotIter = checkPositiveInt('eotIter', options.eotIter ?? 1);
  const seed = options.seed ?? 0;
  const lossOption = options.loss ?? 'ce';
  if (typeof lossOption !== 'function' && lossOption !== 'ce' && lossOption !== 'dlr') {
    invalidOption('loss', "'ce', 'dlr' or a function", lossOption);
  }
  const lossFn = resolveLoss(lossOption);
  const lossName = typeof lossOption === 'function' ? 'custom' : lossOption;
  return defineAttack({
    name: options.name ?? `apgd-${lossName}`,
    threat: { norm, eps },
    family: 'gradient',
    effort: { steps, restarts },
    settings: { norm, eps, loss: lossName, nIter: steps, nRestarts: restarts, rho, eotIter, seed },
    run: async ({ model, x, y, numClasses }) => {
      if (lossName === 'dlr' && numClasses < 3) {
        throw new AttackError(
          'unsupported-model',
          'model',
          `apgd: the DLR loss needs at least 3 classes, the model has ${numClasses}`,
        );
      }
      const rng = createRng(seed);
      return attackRobustRounds(model, x, y, restarts, async (_restart, xs: tf.Tensor4D, ys: tf.Tensor1D) => {
        const out = await apgdRun(model, xs, ys, { norm, eps, steps, rho, lossFn, eotIter, rng });
        return { ...out, queries: (out.iterations + 1) * eotIter * xs.shape[0] };
      });
    },
  });
}
