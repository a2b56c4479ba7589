import * as tf from '@tensorflow/tfjs';
import { lossAndGradient } from '../core/gradient.ts';
import type { LossFn } from '../core/losses.ts';
import type { Model } from '../core/model.ts';
import { perSampleNorm, perSampleShape, project } from '../core/projections.ts';
import { readValues } from '../core/read.ts';
import type { Rng } from '../core/rng.ts';
import { apgdCheckpointIntervals, lossOscillates } from './apgd-schedule.ts';
import { chooseRows } from './choose-rows.ts';

/** Settings of one APGD run ({@link apgdRun}). */
export interface ApgdRunOptions {
  /** Threat model. */
  norm: 'linf' | 'l2';
  /** Radius of the ball. */
  eps: number;
  /** Iterations (reference `n_iter` 100). */
  steps: number;
  /** Oscillation threshold of the step-size rule (reference 0.75). */
  rho: number;
  /** Per-sample loss to maximise. */
  lossFn: LossFn;
  /** Gradients averaged over this many model calls per iterate (expectation over transformation; reference 1). */
  eotIter: number;
  /** Source of the random start. */
  rng: Rng;
  /** Target labels passed to the loss (APGD-T). */
  targets?: tf.Tensor1D;
}

/** What one APGD run returns. The caller owns `xAdv`. */
export interface ApgdRunResult {
  /** The first misclassified iterate for fooled samples, the clean image for the others. */
  xAdv: tf.Tensor4D;
  /** Per sample: an iterate was misclassified. */
  success: boolean[];
  /** Per sample: the highest loss reached. */
  lossBest: number[];
  /** Iterations actually run (the run stops once every sample is fooled). */
  iterations: number;
}

interface Evaluated {
  loss: tf.Tensor1D;
  grad: tf.Tensor4D;
  logits: tf.Tensor2D;
}

/** Loss, logits (of the last call) and the gradient averaged over `eotIter` calls, as AutoAttack does. */
function evaluate(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, options: ApgdRunOptions): Evaluated {
  return tf.tidy(() => {
    let grad: tf.Tensor4D | undefined;
    let last: { loss: tf.Tensor1D; logits: tf.Tensor2D } | undefined;
    for (let e = 0; e < options.eotIter; e++) {
      const out = lossAndGradient(model, x, y, options.lossFn, options.targets);
      grad = grad === undefined ? out.grad : (tf.add(grad, out.grad) as tf.Tensor4D);
      last = { loss: out.loss, logits: out.logits };
    }
    if (grad === undefined || last === undefined) throw new Error('apgd: eotIter must be >= 1');
    return { loss: last.loss, grad: tf.div(grad, options.eotIter) as tf.Tensor4D, logits: last.logits };
  });
}

function randomStart(x: tf.Tensor4D, eps: number, norm: 'linf' | 'l2', rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    const t = norm === 'linf' ? rng.uniformTensor<tf.Tensor4D>(x.shape, -1, 1) : rng.normalTensor<tf.Tensor4D>(x.shape);
    const scale = perSampleShape(perSampleNorm(t, norm), 4);
    return tf.clipByValue(tf.add(x, tf.mul(tf.div(t, tf.add(scale, 1e-12)), eps)), 0, 1) as tf.Tensor4D;
  });
}

/** x + step * direction(grad): sign for l-inf, grad / ||grad||_2 for l2 (step is per sample, [n, 1, 1, 1]). */
function ascend(xAdv: tf.Tensor4D, grad: tf.Tensor4D, step: tf.Tensor, norm: 'linf' | 'l2'): tf.Tensor4D {
  if (norm === 'linf') return tf.add(xAdv, tf.mul(step, tf.sign(grad)));
  const g = perSampleShape(perSampleNorm(grad, 'l2'), 4);
  return tf.add(xAdv, tf.mul(step, tf.div(grad, tf.add(g, 1e-12))));
}

function rowMask(flags: readonly boolean[]): tf.Tensor4D {
  return tf.tensor4d(Uint8Array.from(flags, Number), [flags.length, 1, 1, 1], 'bool');
}

async function wrongPredictions(logits: tf.Tensor2D, y: tf.Tensor1D): Promise<boolean[]> {
  const pred = tf.tidy(() => tf.notEqual(tf.cast(tf.argMax(logits, 1), 'int32'), tf.cast(y, 'int32')));
  return (await readValues(pred)).map((v) => v !== 0);
}

/**
 * One run of Auto-PGD (Croce and Hein 2020, AutoAttack `autopgd_base.py: attack_single_run`) on a batch: random start
 * on the eps-sphere, step size 2 eps, momentum 0.75, step halving with restart from the best point at the
 * checkpoints when the loss oscillates or stalls. Returns the first misclassified iterate per sample. Every sample
 * of the batch is attacked; callers pass only the points still to fool.
 */
export async function apgdRun(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: ApgdRunOptions,
): Promise<ApgdRunResult> {
  const { norm, eps, steps, rho } = options;
  const n = x.shape[0];
  const intervals = apgdCheckpointIntervals(steps);
  let xAdv = randomStart(x, eps, norm, options.rng);
  let xOld = tf.clone(xAdv);
  let current = evaluate(model, xAdv, y, options);
  let fooled = await wrongPredictions(current.logits, y);
  let xBestAdv = chooseRows(fooled, xAdv, x);
  let xBest = tf.clone(xAdv);
  let gradBest = tf.clone(current.grad);
  const startLoss = Array.from(await current.loss.data());
  let grad = current.grad;
  tf.dispose([current.loss, current.logits]);
  const lossBest = [...startLoss];
  const history: number[][] = Array.from({ length: n }, () => []);
  let step = tf.fill([n, 1, 1, 1], 2 * eps) as tf.Tensor4D;
  let lossBestLastCheck = [...lossBest];
  let reducedLastCheck = new Array<boolean>(n).fill(true);
  let intervalIndex = 0;
  let sinceCheck = 0;
  let iterations = 0;
  try {
    for (let i = 0; i < steps && !fooled.every(Boolean); i++) {
      const momentum = i > 0 ? 0.75 : 1;
      const next = tf.tidy(() => {
        const z = project(ascend(xAdv, grad, step, norm), x, eps, norm);
        const moved = tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), momentum)), tf.mul(tf.sub(xAdv, xOld), 1 - momentum));
        return project(moved as tf.Tensor4D, x, eps, norm);
      });
      tf.dispose([xOld, grad]);
      xOld = xAdv;
      xAdv = next;
      current = evaluate(model, xAdv, y, options);
      grad = current.grad;
      iterations++;
      const [wrong, lossData] = await Promise.all([wrongPredictions(current.logits, y), current.loss.data()]);
      const newlyFooled = wrong.map((w, s) => w && !fooled[s]);
      if (newlyFooled.some(Boolean)) {
        const updated = chooseRows(newlyFooled, xAdv, xBestAdv);
        xBestAdv.dispose();
        xBestAdv = updated;
        fooled = fooled.map((f, s) => f || (wrong[s] ?? false));
      }
      const loss = Array.from(lossData);
      tf.dispose([current.loss, current.logits]);
      const improved = loss.map((v, s) => v > (lossBest[s] ?? Number.NEGATIVE_INFINITY));
      loss.forEach((v, s) => {
        history[s]?.push(v);
        if (improved[s]) lossBest[s] = v;
      });
      if (improved.some(Boolean)) {
        const bx = chooseRows(improved, xAdv, xBest);
        const bg = chooseRows(improved, grad, gradBest);
        tf.dispose([xBest, gradBest]);
        xBest = bx;
        gradBest = bg;
      }
      sinceCheck++;
      const k = intervals[intervalIndex];
      if (k !== undefined && sinceCheck === k) {
        const reduce = lossBest.map((best, s) => {
          const oscillates = lossOscillates(history[s] ?? [], startLoss[s] ?? 0, i, k, rho);
          const stalled = !reducedLastCheck[s] && (lossBestLastCheck[s] ?? 0) >= best;
          return oscillates || stalled;
        });
        reducedLastCheck = reduce;
        lossBestLastCheck = [...lossBest];
        if (reduce.some(Boolean)) {
          const halved = tf.tidy(() => tf.where(rowMask(reduce), tf.div(step, 2), step) as tf.Tensor4D);
          const restartX = chooseRows(reduce, xBest, xAdv);
          const restartGrad = chooseRows(reduce, gradBest, grad);
          tf.dispose([step, xAdv, grad]);
          step = halved;
          xAdv = restartX;
          grad = restartGrad;
        }
        intervalIndex++;
        sinceCheck = 0;
      }
    }
    return { xAdv: tf.clone(xBestAdv), success: fooled, lossBest, iterations };
  } finally {
    tf.dispose([xAdv, xOld, grad, xBest, gradBest, xBestAdv, step]);
  }
}
