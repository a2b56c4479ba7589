import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { checkEps } from '../core/errors.ts';
import type { LossFn, LossName } from '../core/losses.ts';
import type { TargetMode } from '../core/targets.ts';
import { pgdParts } from './pgd.ts';

/** Options of {@link fgsm}. */
export interface FgsmOptions {
  /** l-inf budget. */
  eps: number;
  /** Uniform random start in the eps-ball before the step (default false; reference FGSM has none). */
  randomStart?: boolean;
  /** Loss (default 'ce'). */
  loss?: LossName | LossFn;
  /** Kappa of the 'cw' loss (default 50). */
  kappa?: number;
  /** Targeted mode (default false). */
  targeted?: boolean;
  /** Target choice when `run` gets no targets (default 'least-likely'). */
  targetMode?: TargetMode;
  /** Seed of the random start (default 0). */
  seed?: number;
}

/**
 * Fast gradient sign method (Goodfellow et al. 2015): `x' = clip(x + eps * sign(grad), 0, 1)`. With `randomStart`
 * it is the "FGSM with uniform init" of evaluation code (one step of size eps); the result is always re-projected
 * into the eps-ball and the box, so ||x' - x||_inf <= eps. It is PGD with one step of size eps.
 */
export function fgsm(options: FgsmOptions): Attack {
  const eps = checkEps('eps', options.eps);
  const p = pgdParts({
    eps,
    norm: 'linf',
    stepSize: eps,
    steps: 1,
    restarts: 1,
    randomStart: options.randomStart ?? false,
    loss: options.loss ?? 'ce',
    ...(options.kappa !== undefined ? { kappa: options.kappa } : {}),
    targeted: options.targeted ?? false,
    ...(options.targetMode !== undefined ? { targetMode: options.targetMode } : {}),
    keep: 'last',
    seed: options.seed ?? 0,
    name: 'fgsm',
  });
  const { stepSize: _s, steps: _n, restarts: _r, keep: _k, earlyStop: _e, ...settings } = p.settings;
  return defineAttack({
    name: p.name,
    threat: { norm: 'linf', eps },
    family: 'gradient',
    effort: { steps: 1, restarts: 1 },
    settings,
    targeted: p.targeted,
    run: p.body,
  });
}
