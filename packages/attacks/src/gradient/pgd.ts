import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from '../core/attack.ts';
import { finalizeResult } from '../core/finalize-result.ts';
import { lossAndGradient } from '../core/gradient.ts';
import { type LossFn, type LossName, resolveLoss } from '../core/losses.ts';
import type { Model } from '../core/model.ts';
import { perSampleNorm, perSampleShape, project } from '../core/projections.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { selectSamples } from '../core/select-samples.ts';
import { resolveTargets, type TargetMode } from '../core/targets.ts';
import { validateAttackInputs, validateEps, validatePositiveInt } from '../core/validate-inputs.ts';

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
  /** Iterations per restart (default 10, torchattacks). */
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
  const pred = tf.cast(tf.argMax(logits, 1), 'int32');
  const hit = targeted ? tf.equal(pred, labels) : tf.notEqual(pred, labels);
  return tf.cast(hit, 'float32') as tf.Tensor1D;
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

function randomStart(
  x: tf.Tensor4D,
  eps: number,
  norm: 'linf' | 'l2',
  rng: Rng,
  start: true | { normalStd: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    if (start !== true) return project(tf.add(x, rng.normalTensor(x.shape, 0, start.normalStd)), x, eps, norm);
    if (norm === 'linf') return tf.clipByValue(tf.add(x, rng.uniformTensor(x.shape, -eps, eps)), 0, 1) as tf.Tensor4D;
    const n = rng.normalTensor<tf.Tensor4D>(x.shape);
    const r = rng.uniformTensor<tf.Tensor1D>([x.shape[0]]);
    const scale = perSampleShape(tf.div(tf.mul(r, eps), tf.add(perSampleNorm(n, 'l2'), 1e-12)) as tf.Tensor1D, 4);
    return tf.clipByValue(tf.add(x, tf.mul(n, scale)), 0, 1) as tf.Tensor4D;
  });
}

function ascentStep(xAdv: tf.Tensor4D, grad: tf.Tensor4D, stepSize: number, norm: 'linf' | 'l2'): tf.Tensor4D {
  if (norm === 'linf') return tf.add(xAdv, tf.mul(tf.sign(grad), stepSize));
  const g = perSampleShape(perSampleNorm(grad, 'l2'), 4);
  return tf.add(xAdv, tf.mul(tf.div(grad, tf.add(g, 1e-10)), stepSize));
}

/**
 * Projected gradient descent (Madry et al. 2018) in l-inf or l2, with random start, restarts keeping each sample's
 * worst case, any loss ('ce', CW margin with kappa = 50 for "CW-linf", 'dlr', or a custom one), targeted mode and
 * per-sample early stop. Results always lie inside the eps-ball and the [0, 1] box.
 */
export function pgd(options: PgdOptions): Attack {
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw new Error(`pgd: norm must be 'linf' or 'l2', got ${String(norm)}`);
  validateEps(options.eps, 'eps');
  const eps = options.eps;
  const steps = options.steps ?? 10;
  validatePositiveInt(steps, 'steps', true);
  const restarts = options.restarts ?? 1;
  validatePositiveInt(restarts, 'restarts');
  const stepSize = options.stepSize ?? (norm === 'linf' ? eps / 4 : eps / 5);
  validateEps(stepSize, 'stepSize');
  const kappa = options.kappa ?? 50;
  const lossOption = options.loss ?? 'ce';
  const targeted = options.targeted ?? false;
  // The untargeted DLR ignores targets: a targeted attack with 'dlr' uses the targeted DLR of APGD-T.
  const lossFn = resolveLoss(targeted && lossOption === 'dlr' ? 'dlr-targeted' : lossOption, kappa);
  const targetMode = options.targetMode ?? 'least-likely';
  const earlyStop = options.earlyStop ?? false;
  const keep = options.keep ?? 'last';
  const useRandomStart = options.randomStart ?? true;
  if (typeof useRandomStart === 'object' && !(useRandomStart.normalStd >= 0)) {
    throw new Error(`randomStart.normalStd must be a number >= 0, got ${useRandomStart.normalStd}`);
  }
  const seed = options.seed ?? 0;
  const name = options.name ?? `pgd-${norm}`;
  const settings: Record<string, unknown> = {
    norm,
    eps,
    stepSize,
    steps,
    restarts,
    randomStart: useRandomStart,
    loss: typeof lossOption === 'function' ? 'custom' : lossOption,
    ...(lossOption === 'cw' ? { kappa } : {}),
    targeted,
    ...(targeted ? { targetMode } : {}),
    earlyStop,
    keep,
    seed,
  };

  async function run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, givenTargets?: tf.Tensor1D): Promise<AttackResult> {
    await validateAttackInputs(x, y, model);
    const rng = createRng(seed);
    const yInt = tf.cast(y, 'int32') as tf.Tensor1D;
    const targets = targeted ? await resolveTargets(model, x, yInt, targetMode, rng.child(), givenTargets) : undefined;
    const labels = targets ?? yInt;
    const projectStep = (v: tf.Tensor4D): tf.Tensor4D => project(v, x, eps, norm);
    const n = x.shape[0];
    let best: Best = {
      x: tf.clone(x),
      loss: tf.fill([n], Number.NEGATIVE_INFINITY) as tf.Tensor1D,
      success: tf.zeros([n]) as tf.Tensor1D,
    };
    try {
      for (let restart = 0; restart < restarts; restart++) {
        let xAdv = useRandomStart !== false && eps > 0 ? randomStart(x, eps, norm, rng, useRandomStart) : tf.clone(x);
        for (let step = 0; step < steps; step++) {
          const out = tf.tidy(() => {
            const { loss, grad, logits } = lossAndGradient(model, xAdv, yInt, lossFn, targets);
            const success = successMask(logits, labels, targeted);
            let next = projectStep(ascentStep(xAdv, grad, stepSize, norm));
            if (earlyStop) {
              next = selectSamples(success, xAdv, next);
            }
            return { next, loss, success };
          });
          if (options.onStep) {
            const [lossValues, succ] = await Promise.all([out.loss.data<'float32'>(), out.success.data<'float32'>()]);
            options.onStep({
              restart,
              step,
              meanLoss: lossValues.reduce((s, v) => s + v, 0) / n,
              successes: succ.reduce((s, v) => s + v, 0),
            });
          }
          if (keep === 'best') best = updateBest(best, xAdv, out.loss, out.success);
          tf.dispose([xAdv, out.loss, out.success]);
          xAdv = out.next;
        }
        if (restarts === 1 && keep === 'last') {
          // Nothing to compare with: the last iterate is the result (finalizeResult re-checks it).
          tf.dispose([best.x, best.loss, best.success]);
          best = { x: xAdv, loss: tf.zeros([n]) as tf.Tensor1D, success: tf.zeros([n]) as tf.Tensor1D };
          continue;
        }
        const final = tf.tidy(() => {
          const logits = model(xAdv);
          return { loss: lossFn(logits, yInt, targets), success: successMask(logits, labels, targeted) };
        });
        best = updateBest(best, xAdv, final.loss, final.success);
        tf.dispose([xAdv, final.loss, final.success]);
      }
      const xBest = best.x;
      tf.dispose([best.loss, best.success]);
      const queries = restarts === 1 && keep === 'last' ? steps + 1 : restarts * (steps + 1) + 1;
      const finalizeOptions = { eps, queries, ...(targets ? { targets } : {}) };
      return await finalizeResult(model, x, xBest, yInt, norm, finalizeOptions);
    } catch (err) {
      tf.dispose([best.x, best.loss, best.success]);
      throw err;
    } finally {
      tf.dispose([yInt, ...(targets ? [targets] : [])]);
    }
  }

  return { name, norm, eps, settings, run };
}
