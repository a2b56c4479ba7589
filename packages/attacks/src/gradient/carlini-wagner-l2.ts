import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { type AttackInput, type AttackOutput, defineAttack } from '../core/define-attack.ts';
import { AttackError, checkEps, checkPositive, checkPositiveInt } from '../core/errors.ts';
import { looksLikeProbabilities } from '../core/model.ts';
import { createRng } from '../core/rng.ts';
import { selectSamples } from '../core/select-samples.ts';
import { resolveTargets, type TargetMode } from '../core/targets.ts';

/** Options of {@link carliniWagnerL2}; defaults are the reference ones (carlini/nn_robust_attacks `l2_attack.py`). */
export interface CarliniWagnerL2Options {
  /** Confidence kappa (default 0). */
  confidence?: number;
  /** Initial trade-off constant c (default 1e-3). */
  initialConst?: number;
  /** Binary-search steps over c (default 9). */
  binarySearchSteps?: number;
  /** Adam iterations per search step (default 10000, the reference `MAX_ITERATIONS`; lower it for speed, e.g. 1000). */
  steps?: number;
  /** Adam learning rate (default 1e-2). */
  learningRate?: number;
  /** Stop a search step when the loss stalls, checked every steps/10 iterations (default true). */
  abortEarly?: boolean;
  /** Targeted attack (default false, untargeted; the reference default is targeted). */
  targeted?: boolean;
  /** Target choice when `run` gets no targets (default 'least-likely'). */
  targetMode?: TargetMode;
  /**
   * Optional l2 budget for reporting: results beyond it are projected onto the eps-ball and re-judged there
   * (the optimisation itself is unbounded, as in the reference).
   */
  eps?: number;
  /** Seed (used only for random target choice; default 0). */
  seed?: number;
}

const BIG = 1e9;

function classMask(labels: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.oneHot(labels, classes) as tf.Tensor2D;
}

/** Per-sample CW objective term max(z_y - max_{i!=y} z_i + k, 0) (untargeted) or its targeted mirror. */
function cwTerm(logits: tf.Tensor2D, labels: tf.Tensor1D, kappa: number, targeted: boolean): tf.Tensor1D {
  const hot = classMask(labels, logits.shape[1]);
  const real = tf.sum(tf.mul(logits, hot), 1);
  const other = tf.max(tf.sub(logits, tf.mul(hot, BIG)), 1);
  const diff = targeted ? tf.sub(other, real) : tf.sub(real, other);
  return tf.relu(tf.add(diff, kappa)) as tf.Tensor1D;
}

/** Reference success test with confidence: untargeted z_y + k < max other, targeted z_t - k > max other. */
function cwSuccess(logits: tf.Tensor2D, labels: tf.Tensor1D, kappa: number, targeted: boolean): tf.Tensor1D {
  const hot = classMask(labels, logits.shape[1]);
  const real = tf.sum(tf.mul(logits, hot), 1);
  const other = tf.max(tf.sub(logits, tf.mul(hot, BIG)), 1);
  const ok = targeted ? tf.greater(tf.sub(real, kappa), other) : tf.less(tf.add(real, kappa), other);
  return tf.cast(ok, 'float32') as tf.Tensor1D;
}

/**
 * Carlini-Wagner l2 attack (2017) with the reference binary search over c per sample, the tanh box
 * reparametrisation `x' = (tanh(w) + 1) / 2`, Adam on w, abort-early, and the smallest successful l2 kept over all
 * steps. Samples it cannot fool are returned unchanged. Throws if the model outputs look like probabilities.
 */
export function carliniWagnerL2(options: CarliniWagnerL2Options = {}): Attack {
  const kappa = checkEps('confidence', options.confidence ?? 0);
  const c0 = checkPositive('initialConst', options.initialConst ?? 1e-3);
  const searchSteps = checkPositiveInt('binarySearchSteps', options.binarySearchSteps ?? 9);
  const maxIterations = checkPositiveInt('steps', options.steps ?? 10000);
  const lr = checkPositive('learningRate', options.learningRate ?? 1e-2);
  const abortEarly = options.abortEarly ?? true;
  const targeted = options.targeted ?? false;
  const targetMode = options.targetMode ?? 'least-likely';
  const eps = options.eps === undefined ? undefined : checkEps('eps', options.eps);
  const seed = options.seed ?? 0;
  const settings: Record<string, unknown> = {
    confidence: kappa,
    initialConst: c0,
    binarySearchSteps: searchSteps,
    maxIterations,
    learningRate: lr,
    abortEarly,
    targeted,
    ...(targeted ? { targetMode } : {}),
    ...(eps !== undefined ? { eps } : {}),
    seed,
  };

  async function run({ model, x, y: yInt, targets: givenTargets }: AttackInput): Promise<AttackOutput> {
    const clean = tf.tidy(() => model(x));
    const probs = await looksLikeProbabilities(clean);
    clean.dispose();
    if (probs) {
      throw new AttackError(
        'unsupported-model',
        'model',
        'carliniWagnerL2: model outputs look like probabilities; pass a model returning logits',
      );
    }
    const n = x.shape[0];
    const targets = targeted
      ? await resolveTargets(model, x, yInt, targetMode, createRng(seed), givenTargets)
      : undefined;
    const labels = targets ?? yInt;
    const w0 = tf.tidy(() => tf.atanh(tf.mul(tf.sub(tf.mul(x, 2), 1), 0.999999)));
    const lower = new Array<number>(n).fill(0);
    const upper = new Array<number>(n).fill(1e10);
    const consts = new Array<number>(n).fill(c0);
    let oBestL2 = tf.fill([n], Number.POSITIVE_INFINITY) as tf.Tensor1D;
    let oBestX = tf.clone(x);
    const toImage = (w: tf.Tensor): tf.Tensor4D => tf.mul(tf.add(tf.tanh(w), 1), 0.5) as tf.Tensor4D;
    let queries = 0;
    try {
      for (let outer = 0; outer < searchSteps; outer++) {
        // Reference: with >= 10 search steps the last one uses c = upper.
        if (searchSteps >= 10 && outer === searchSteps - 1) {
          for (let i = 0; i < n; i++) if ((upper[i] ?? 0) < 1e10) consts[i] = upper[i] ?? 0;
        }
        const c = tf.tensor1d(consts);
        let w = tf.clone(w0);
        let m = tf.zerosLike(w0);
        let v = tf.zerosLike(w0);
        let stepSuccess = tf.zeros([n]) as tf.Tensor1D;
        let prev = Number.POSITIVE_INFINITY;
        for (let it = 0; it < maxIterations; it++) {
          const t = it + 1;
          const out = tf.tidy(() => {
            let l2Kept: tf.Tensor1D | undefined;
            let logitsKept: tf.Tensor2D | undefined;
            let xKept: tf.Tensor4D | undefined;
            const { value, grads } = tf.valueAndGrads((wi: tf.Tensor) => {
              const xi = toImage(wi);
              const logits = model(xi);
              const l2 = tf.sum(tf.square(tf.sub(xi, x)), [1, 2, 3]) as tf.Tensor1D;
              l2Kept = tf.keep(l2);
              logitsKept = tf.keep(logits);
              xKept = tf.keep(xi);
              return tf.sum(tf.add(l2, tf.mul(c, cwTerm(logits, labels, kappa, targeted))));
            })([w]);
            const g = grads[0] as tf.Tensor;
            const l2 = tf.clone(l2Kept as tf.Tensor1D);
            const logits = tf.clone(logitsKept as tf.Tensor2D);
            const xi = tf.clone(xKept as tf.Tensor4D);
            tf.dispose([l2Kept as tf.Tensor, logitsKept as tf.Tensor, xKept as tf.Tensor]);
            // Adam (TF defaults beta1 0.9, beta2 0.999, epsilon 1e-8).
            const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
            const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(g), 0.001));
            const mHat = tf.div(m2, 1 - 0.9 ** t);
            const vHat = tf.div(v2, 1 - 0.999 ** t);
            const w2 = tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), 1e-8)), lr));
            // Bookkeeping at the current iterate (before the update), as in the reference.
            const succ = cwSuccess(logits, labels, kappa, targeted);
            const improveAll = tf.logicalAnd(tf.cast(succ, 'bool'), tf.less(l2, oBestL2));
            return {
              value,
              w2,
              m2,
              v2,
              stepSuccess: tf.maximum(stepSuccess, succ) as tf.Tensor1D,
              oBestL2: tf.where(improveAll, l2, oBestL2) as tf.Tensor1D,
              oBestX: selectSamples(improveAll as tf.Tensor1D, xi, oBestX),
            };
          });
          tf.dispose([w, m, v, stepSuccess, oBestL2, oBestX]);
          ({ w2: w, m2: m, v2: v, stepSuccess, oBestL2, oBestX } = out);
          queries++;
          const check = abortEarly && it % Math.max(1, Math.floor(maxIterations / 10)) === 0;
          const lossValue = check ? ((await out.value.data())[0] ?? 0) : 0;
          out.value.dispose();
          if (check) {
            if (lossValue > prev * 0.9999) break;
            prev = lossValue;
          }
        }
        const stepOk = await stepSuccess.data();
        for (let i = 0; i < n; i++) {
          const ci = consts[i] ?? c0;
          if ((stepOk[i] ?? 0) > 0) {
            upper[i] = Math.min(upper[i] ?? 1e10, ci);
            if ((upper[i] ?? 1e10) < 1e9) consts[i] = ((lower[i] ?? 0) + (upper[i] ?? 0)) / 2;
          } else {
            lower[i] = Math.max(lower[i] ?? 0, ci);
            consts[i] = (upper[i] ?? 1e10) < 1e9 ? ((lower[i] ?? 0) + (upper[i] ?? 0)) / 2 : ci * 10;
          }
        }
        tf.dispose([c, w, m, v, stepSuccess]);
      }
      // With eps set, defineAttack projects points beyond the budget onto the l2 ball and re-judges them there.
      return { xAdv: oBestX, queries, ...(targets ? { targets } : {}) };
    } catch (err) {
      tf.dispose([oBestX, ...(targets ? [targets] : [])]);
      throw err;
    } finally {
      tf.dispose([w0, oBestL2]);
    }
  }

  return defineAttack({
    name: 'cw-l2',
    threat: { norm: 'l2', ...(eps !== undefined ? { eps } : {}) },
    family: 'gradient',
    effort: { steps: maxIterations, restarts: searchSteps },
    settings,
    targeted,
    run,
  });
}
