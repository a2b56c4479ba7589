import type * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from '../core/attack.ts';
import { type LossFn, resolveLoss } from '../core/losses.ts';
import type { Model } from '../core/model.ts';
import { numberInRangeOption, positiveIntOption } from '../core/option-values.ts';
import { createRng } from '../core/rng.ts';
import { attackRobustRounds } from '../core/robust-rounds.ts';
import { validateAttackInputs, validateEps } from '../core/validate-inputs.ts';
import { apgdRun } from './apgd-run.ts';

/** Options of {@link apgd}. Defaults are AutoAttack's. */
export interface ApgdOptions {
  /** Budget (radius of the l-inf or l2 ball). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** 'ce' (default, APGD-CE), 'dlr' (APGD-DLR, needs >= 3 classes) or a custom per-sample loss (higher = better). */
  loss?: 'ce' | 'dlr' | LossFn;
  /** Iterations per restart (default 100). */
  nIter?: number;
  /** Restarts; each one attacks only the points still robust (default 1). */
  nRestarts?: number;
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
 * from the best point, restarts on still-robust points only. A sample counts as fooled by its first misclassified
 * iterate; samples never fooled are returned clean. Results lie inside the eps-ball and the [0, 1] box.
 */
export function apgd(options: ApgdOptions): Attack {
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`apgd: norm must be 'linf' or 'l2', got ${String(norm)}`);
  validateEps(options.eps, 'eps');
  const eps = options.eps;
  const nIter = positiveIntOption(options.nIter, 100, 'nIter');
  const nRestarts = positiveIntOption(options.nRestarts, 1, 'nRestarts');
  const rho = numberInRangeOption(options.rho, 0.75, 'rho', 0, 1);
  const eotIter = positiveIntOption(options.eotIter, 1, 'eotIter');
  const seed = options.seed ?? 0;
  const lossOption = options.loss ?? 'ce';
  if (typeof lossOption !== 'function' && lossOption !== 'ce' && lossOption !== 'dlr') {
    throw new Error(`apgd: loss must be 'ce', 'dlr' or a function, got ${String(lossOption)}`);
  }
  const lossFn = resolveLoss(lossOption);
  const lossName = typeof lossOption === 'function' ? 'custom' : lossOption;
  const name = options.name ?? `apgd-${lossName}`;
  const settings: Record<string, unknown> = { norm, eps, loss: lossName, nIter, nRestarts, rho, eotIter, seed };

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<AttackResult> {
    await validateAttackInputs(x, y, model);
    const rng = createRng(seed);
    return await attackRobustRounds(model, x, y, norm, eps, nRestarts, async (_restart, xs, ys) => {
      const out = await apgdRun(model, xs, ys, { norm, eps, nIter, rho, lossFn, eotIter, rng });
      return { ...out, queries: (out.iterations + 1) * eotIter * xs.shape[0] };
    });
  }

  return { name, norm, eps, settings, run };
}
