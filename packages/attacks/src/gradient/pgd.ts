import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { checkEps, checkOneOf, checkPositiveInt, invalidOption } from '../core/errors.ts';
import { type LossFn, type LossName, resolveLoss } from '../core/losses.ts';
import { createRng } from '../core/rng.ts';
import { selectSamples } from '../core/select-samples.ts';
import { resolveTargets, type TargetMode } from '../core/targets.ts';
import { type PgdStart, pgdStart, pgdStep } from './pgd-ascent.ts';

/** Progress information passed to {@link PgdOptions.onStep}. */
export interface PgdStepInfo {
  /** Restart index (0-based). */
  restart: number;
  /** Step index (0-based) within the restart. */
  step: number;
  /** Mean loss over the batch at the point the gradient was taken. */
  meanLoss: number;
  /** Number of samples already successful at that point. */
  successes: number;
}

/** Options of {@link pgd}. */
export interface PgdOptions {
  /** Budget (l-inf or l2 radius). */
  eps: number;
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Step size. Default eps/4 for l-inf (2/255 at 8/255, torchattacks) and eps/5 for l2 (0.2 at 1.0). */
  stepSize?: number;
  /** Iterations per restart (default 10, torchattacks); at least 1 (a 0-step PGD would report clean accuracy). */
  steps?: number;
  /**
   * Random start: `true` (default) draws U(-eps, eps) for l-inf and eps*r*n/||n|| with n~N(0, I), r~U(0,1) for l2;
   * `{ normalStd: 0.001 }` starts at x + 0.001*N(0, I) (the TRADES / MART inner attack), projected into the
   * ball and the box; `false` starts at x.
   */
  randomStart?: boolean | { normalStd: number };
  /** Number of runs; each sample keeps its worst case over runs (default 1). */
  restarts?: number;
  /**
   * 'ce' (default), 'cw' (margin, kappa), 'dlr' (targeted DLR when `targeted`), 'margin' or a custom {@link LossFn}
   * (per sample, higher = better for the attacker; receives the targets in targeted mode).
   */
  loss?: LossName | LossFn;
  /** Kappa of the 'cw' loss (default 50, as in adversarial-training papers). */
  kappa?: number;
  /** Targeted attack: success means classified as the target (default false). */
  targeted?: boolean;
  /** How targets are chosen when `run` gets none (default 'least-likely'). */
  targetMode?: TargetMode;
  /** Freeze each sample once it is successful (default false). */
  earlyStop?: boolean;
  /**
   * Which iterate is returned: 'last' (default, the reference torchattacks / Madry behaviour) returns the final
   * iterate of each restart; 'best' keeps per sample the most successful point seen at any step (successful over
   * unsuccessful, then higher loss; AutoAttack style, about 5% slower). Both keep each sample's worst case
   * across restarts.
   */
  keep?: 'best' | 'last';
  /** Seed of the random start (default 0). Same seed, same result. */
  seed?: number;
  /** Called after every step (costs one asynchronous read of the loss and success per step). */
  onStep?: (info: PgdStepInfo) => void;
  /** Name reported in results (default 'pgd-linf' / 'pgd-l2'). */
  name?: string;
}

interface Best {
  x: tf.Tensor4D;
  loss: tf.Tensor1D;
  success: tf.Tensor1D;
}

function successMask(logits: tf.Tensor2D, labels: tf.Tensor1D, targeted: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const pred = tf.cast(tf.argMax(logits, 1), 'int32');
    const hit = targeted ? tf.equal(pred, labels) : tf.notEqual(pred, labels);
    return tf.cast(hit, 'float32') as tf.Tensor1D;
  });
}

/** Replaces `best` entries where (success, loss) is lexicographically better. Disposes the replaced tensors. */
function updateBest(best: Best, x: tf.Tensor4D, loss: tf.Tensor1D, success: tf.Tensor1D): Best {
  const next = tf.tidy(() => {
    const better = tf.logicalOr(
      tf.greater(success, best.success),
      tf.logicalAnd(tf.equal(success, best.success), tf.greater(loss, best.loss)),
    );
    const bx = selectSamples(better as tf.Tensor1D, x, best.x);
    return {
      x: bx,
      loss: tf.where(better, loss, best.loss) as tf.Tensor1D,
      success: tf.maximum(success, best.success) as tf.Tensor1D,
    };
  });
  tf.dispose([best.x, best.loss, best.success]);
  return next;
}

/** The parts of a PGD definition that `fgsm` shares. */
export interface PgdParts {
  name: string;
  norm: 'linf' | 'l2';
  eps: number;
  steps: number;
  restarts: number;
  targeted: boolean;
  settings: Record<string, unknown>;
  body: Parameters<typeof defineAttack>[0]['run'];
}

/** Checks PGD options and builds its body (shared with {@link fgsm}, which is PGD with one step of size eps). */
export function pgdParts(options: PgdOptions): PgdParts {
  const norm = checkOneOf('norm', options.norm ?? 'linf', ['linf', 'l2'] as const);
  const eps = checkEps('eps', options.eps);
  const steps = checkPositiveInt('steps', options.steps ?? 10);
  const restarts = checkPositiveInt('restarts', options.restarts ?? 1);
  const stepSize = checkEps('stepSize', options.stepSize ?? (norm === 'linf' ? eps / 4 : eps / 5));
  const kappa = checkEps('kappa', options.kappa ?? 50);
  const lossOption = options.loss ?? 'ce';
  const targeted = options.targeted ?? false;
  // The untargeted DLR ignores targets: a targeted attack with 'dlr' uses the targeted DLR of APGD-T.
  const lossFn: LossFn = resolveLoss(targeted && lossOption === 'dlr' ? 'dlr-targeted' : lossOption, kappa);
  const targetMode = checkOneOf('targetMode', options.targetMode ?? 'least-likely', [
    'least-likely',
    'second-most-likely',
    'random',
  ] as const);
  const earlyStop = options.earlyStop ?? false;
  const keep = checkOneOf('keep', options.keep ?? 'last', ['last', 'best'] as const);
  const randomStart = options.randomStart ?? true;
  if (typeof randomStart === 'object' && !(randomStart.normalStd >= 0)) {
    invalidOption('randomStart.normalStd', 'a number >= 0', randomStart.normalStd);
  }
  const start: PgdStart = randomStart === false ? 'none' : randomStart === true ? 'uniform' : randomStart;
  const seed = options.seed ?? 0;
  const name = options.name ?? `pgd-${norm}`;
  const settings: Record<string, unknown> = {
    norm,
    eps,
    stepSize,
    steps,
    restarts,
    randomStart,
    loss: typeof lossOption === 'function' ? 'custom' : lossOption,
    ...(lossOption === 'cw' ? { kappa } : {}),
    targeted,
    ...(targeted ? { targetMode } : {}),
    earlyStop,
    keep,
    seed,
  };
  const onStep = options.onStep;

  const body: PgdParts['body'] = async ({ model, x, y, targets: given }) => {
    const rng = createRng(seed);
    const targets = targeted ? await resolveTargets(model, x, y, targetMode, rng.child(), given) : undefined;
    const labels = targets ?? y;
    const n = x.shape[0];
    const stepOptions = { norm, eps, stepSize, lossFn, y, ...(targets ? { targets } : {}) };
    const single = restarts === 1 && keep === 'last';
    let best: Best = {
      x: tf.clone(x),
      loss: tf.fill([n], Number.NEGATIVE_INFINITY) as tf.Tensor1D,
      success: tf.zeros([n]) as tf.Tensor1D,
    };
    try {
      for (let restart = 0; restart < restarts; restart++) {
        let xAdv = pgdStart(x, eps, norm, start, rng);
        for (let step = 0; step < steps; step++) {
          const out = pgdStep(model, x, xAdv, stepOptions);
          const needSuccess = earlyStop || keep === 'best' || onStep !== undefined;
          const success = needSuccess ? successMask(out.logits, labels, targeted) : undefined;
          let next = out.next;
          if (earlyStop && success) {
            next = tf.tidy(() => selectSamples(success, xAdv, out.next));
            out.next.dispose();
          }
          if (onStep && success) {
            const [lossValues, succ] = await Promise.all([out.loss.data<'float32'>(), success.data<'float32'>()]);
            onStep({
              restart,
              step,
              meanLoss: lossValues.reduce((s, v) => s + v, 0) / n,
              successes: succ.reduce((s, v) => s + v, 0),
            });
          }
          if (keep === 'best' && success) best = updateBest(best, xAdv, out.loss, success);
          tf.dispose([xAdv, out.loss, out.logits, ...(success ? [success] : [])]);
          xAdv = next;
        }
        if (single) {
          // Nothing to compare with: the last iterate is the result (defineAttack re-checks it).
          tf.dispose([best.x, best.loss, best.success]);
          best = { x: xAdv, loss: tf.zeros([n]) as tf.Tensor1D, success: tf.zeros([n]) as tf.Tensor1D };
          continue;
        }
        const final = tf.tidy(() => {
          const logits = model(xAdv);
          return { loss: lossFn(logits, y, targets), success: successMask(logits, labels, targeted) };
        });
        best = updateBest(best, xAdv, final.loss, final.success);
        tf.dispose([xAdv, final.loss, final.success]);
      }
      tf.dispose([best.loss, best.success]);
      const queries = single ? steps + 1 : restarts * (steps + 1) + 1;
      return { xAdv: best.x, queries, ...(targets ? { targets } : {}) };
    } catch (err) {
      tf.dispose([best.x, best.loss, best.success, ...(targets && targets !== given ? [targets] : [])]);
      throw err;
    }
  };
  return { name, norm, eps, steps, restarts, targeted, settings, body };
}

/**
 * Projected gradient descent (Madry et al. 2018) in l-inf or l2, with random start, restarts keeping each sample's
 * worst case, any loss ('ce', CW margin with kappa = 50 for "CW-linf", 'dlr', or a custom one), targeted mode and
 * per-sample early stop. Results always lie inside the eps-ball and the [0, 1] box. The step loop reads nothing from
 * the device (unless `onStep` is given).
 */
export function pgd(options: PgdOptions): Attack {
  const p = pgdParts(options);
  return defineAttack({
    name: p.name,
    threat: { norm: p.norm, eps: p.eps },
    family: 'gradient',
    effort: { steps: p.steps, restarts: p.restarts },
    settings: p.settings,
    targeted: p.targeted,
    run: p.body,
  });
}
