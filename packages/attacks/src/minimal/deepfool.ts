import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { AttackError, checkEps, checkPositiveInt } from '../core/errors.ts';
import type { Model } from '../core/model.ts';
import { perSampleNorm, perSampleShape } from '../core/projections.ts';
import { readScalars } from '../core/read.ts';

/** Options of {@link deepfool}; defaults as in the reference (LTS4/DeepFool, torchattacks). */
export interface DeepFoolOptions {
  /**
   * Overshoot beyond the decision boundary (default 0.02, the reference's `overshoot`): the candidate is
   * `x + (1 + overshoot) r_tot`, and, because our points are clipped to [0, 1] where the overshoot of saturated pixels
   * is lost, a sample only stops once its clipped point is misclassified by a logit margin of at least
   * `overshoot` x its clean margin (what `(1 + overshoot) r_tot` gives on an affine model without the box). This keeps
   * the returned points clear of the boundary, so they stay adversarial after float32 rounding or on another backend.
   */
  overshoot?: number;
  /** Maximum iterations (default 50, the reference `max_iter`). */
  steps?: number;
  /** Number of top clean classes considered, label included (default 10). */
  numClasses?: number;
  /** Optional l2 budget for reporting: results beyond it are projected onto the ball and re-judged there. */
  eps?: number;
}

/** Internal result of the DeepFool loop, used by {@link deepfool} and SparseFool. */
export interface DeepFoolState {
  /** Accumulated perturbation r_tot (without overshoot), shape of x. */
  rTot: tf.Tensor4D;
  /** Clean predicted labels. */
  labels: tf.Tensor1D;
  /** Label at x + (1 + overshoot) r_tot. */
  finalLabels: tf.Tensor1D;
  /** Forward+backward passes per sample. */
  queries: number;
}

/** Options of {@link deepfoolLoop}. */
export interface DeepFoolLoopOptions {
  /** Overshoot factor: candidates are `x + (1 + overshoot) r_tot`. */
  overshoot: number;
  /** Iteration cap. */
  steps: number;
  /** Top clean classes considered, label included. */
  numClasses: number;
  /**
   * Clip every evaluated point to [0, 1] (standalone DeepFool, default true). SparseFool's published inner DeepFool
   * does not clip (the box is kept by its linear solver), so SparseFool passes false.
   */
  clip?: boolean;
  /**
   * Stop a sample only when its candidate is misclassified by a logit margin `max_{k != l} z_k - z_l` of at least
   * `overshoot` x its clean margin `z_l - max_{k != l} z_k` (default false: stop as soon as the label changes, as the
   * reference does).
   */
  marginOvershoot?: boolean;
}

function pick(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1])), 1) as tf.Tensor1D;
}

/**
 * The batched DeepFool loop (Moosavi-Dezfooli et al. 2016): at `x + (1 + overshoot) r_tot` linearise
 * `z_k - z_l` for the top classes k, step to the closest linearised boundary
 * (`r_i = (|f| / ||w|| + 1e-4) w / ||w||`), until every sample's label changes (with `marginOvershoot`: until its
 * margin past the boundary is `overshoot` x its clean margin) or `steps`. With `clip` (default) points are clipped to
 * [0, 1] before each evaluation. The caller owns the returned tensors.
 */
export async function deepfoolLoop(model: Model, x: tf.Tensor4D, options: DeepFoolLoopOptions): Promise<DeepFoolState> {
  const { overshoot, steps } = options;
  const clip = options.clip ?? true;
  const marginOvershoot = options.marginOvershoot ?? false;
  const place = (t: tf.Tensor4D): tf.Tensor4D => (clip ? (tf.clipByValue(t, 0, 1) as tf.Tensor4D) : t);
  const clean = tf.tidy(() => model(x));
  const classes = clean.shape[1];
  const k = Math.min(options.numClasses, classes);
  if (k < 2) {
    throw new AttackError(
      'unsupported-model',
      'numClasses',
      `deepfool: needs numClasses >= 2 and a model with >= 2 classes, got ${k}`,
    );
  }
  const top = tf.tidy(() => tf.cast(tf.topk(clean, k).indices, 'int32') as tf.Tensor2D);
  const labels = tf.tidy(() => tf.reshape(tf.slice(top, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D);
  const others = Array.from({ length: k - 1 }, (_, j) =>
    tf.tidy(() => tf.reshape(tf.slice(top, [0, j + 1], [-1, 1]), [-1]) as tf.Tensor1D),
  );
  // Margin a finished sample must reach past the boundary: overshoot x its clean margin (0 = label change only).
  const target = tf.tidy(() => {
    if (!marginOvershoot) return tf.zeros([x.shape[0]]) as tf.Tensor1D;
    const best2 = tf.topk(clean, 2).values;
    const m0 = tf.sub(tf.slice(best2, [0, 0], [-1, 1]), tf.slice(best2, [0, 1], [-1, 1]));
    return tf.mul(tf.reshape(m0, [-1]), overshoot) as tf.Tensor1D;
  });
  clean.dispose();
  top.dispose();
  let rTot = tf.zerosLike(x);
  let finalLabels = tf.clone(labels);
  // 1 while a sample still moves: label unchanged or (marginOvershoot) margin below its target.
  let activeMask = tf.ones([x.shape[0]]) as tf.Tensor1D;
  let queries = 1;
  try {
    for (let it = 0; it < steps; it++) {
      const [activeCount] = await readScalars([tf.tidy(() => tf.sum(activeMask))]);
      if (activeCount === 0) break;
      const next = tf.tidy(() => {
        const active = activeMask;
        const xp = place(tf.add(x, tf.mul(rTot, 1 + overshoot)) as tf.Tensor4D);
        const perts: tf.Tensor1D[] = [];
        const ws: tf.Tensor4D[] = [];
        for (const cls of others) {
          let fKept: tf.Tensor1D | undefined;
          const w = tf.grad((xi: tf.Tensor) => {
            const z = model(xi as tf.Tensor4D);
            const f = tf.sub(pick(z, cls), pick(z, labels)) as tf.Tensor1D;
            fKept = tf.keep(f);
            return tf.sum(f);
          })(xp) as tf.Tensor4D;
          const f = tf.clone(fKept as tf.Tensor1D);
          (fKept as tf.Tensor1D).dispose();
          perts.push(tf.div(tf.abs(f), tf.add(perSampleNorm(w, 'l2'), 1e-12)) as tf.Tensor1D);
          ws.push(w);
        }
        const pertAll = tf.stack(perts, 1) as tf.Tensor2D; // [n, k-1]
        const best = tf.argMin(pertAll, 1);
        // tf.oneHot needs depth >= 2: a two-class model has a single candidate class.
        const hot = others.length === 1 ? tf.ones([x.shape[0], 1]) : tf.oneHot(best, others.length); // [n, k-1]
        const pert = tf.sum(tf.mul(pertAll, hot), 1) as tf.Tensor1D;
        const wStack = tf.stack(ws, 1); // [n, k-1, h, w, c]
        const wSel = tf.sum(tf.mul(wStack, tf.reshape(hot, [x.shape[0], others.length, 1, 1, 1])), 1) as tf.Tensor4D;
        const wNorm = perSampleNorm(wSel, 'l2');
        const scale = tf.mul(tf.div(tf.add(pert, 1e-4), tf.add(wNorm, 1e-12)), active) as tf.Tensor1D;
        const r = tf.add(rTot, tf.mul(wSel, perSampleShape(scale, 4))) as tf.Tensor4D;
        const check = place(tf.add(x, tf.mul(r, 1 + overshoot)) as tf.Tensor4D);
        const z = model(check);
        const lab = tf.cast(tf.argMax(z, 1), 'int32') as tf.Tensor1D;
        // Margin past the boundary: max over other classes minus the clean label's logit.
        const hotL = tf.oneHot(labels, z.shape[1]);
        const zl = tf.sum(tf.mul(z, hotL), 1);
        const zOther = tf.max(tf.sub(z, tf.mul(hotL, 1e30)), 1);
        const margin = tf.sub(zOther, zl);
        const done = tf.logicalAnd(tf.notEqual(lab, labels), tf.greaterEqual(margin, target));
        const stillActive = tf.mul(active, tf.sub(1, tf.cast(done, 'float32'))) as tf.Tensor1D;
        return { r, lab, stillActive };
      });
      queries += others.length + 1;
      tf.dispose([rTot, finalLabels, activeMask]);
      rTot = next.r;
      finalLabels = next.lab;
      activeMask = next.stillActive;
    }
    return { rTot, labels, finalLabels, queries };
  } catch (err) {
    tf.dispose([rTot, finalLabels, labels]);
    throw err;
  } finally {
    tf.dispose([...others, target, activeMask]);
  }
}

/**
 * DeepFool (l2, minimal perturbation): returns `clip(x + (1 + overshoot) r_tot, 0, 1)`. Untargeted; the label is the
 * model's clean prediction, as in the reference. Batched: all samples iterate together, finished ones stop moving.
 * Differences from the reference (LTS4/DeepFool): every evaluated point is clipped to [0, 1], and a sample stops only
 * when its clipped point is past the boundary by `overshoot` x its clean logit margin (the reference stops at the
 * first label change; with clipping that left points a rounding error away from the boundary).
 */
export function deepfool(options: DeepFoolOptions = {}): Attack {
  const overshoot = checkEps('overshoot', options.overshoot ?? 0.02);
  const steps = checkPositiveInt('steps', options.steps ?? 50);
  const numClasses = checkPositiveInt('numClasses', options.numClasses ?? 10);
  const eps = options.eps === undefined ? undefined : checkEps('eps', options.eps);
  return defineAttack({
    name: 'deepfool',
    threat: { norm: 'l2', ...(eps !== undefined ? { eps } : {}) },
    family: 'gradient',
    effort: { steps, restarts: 1 },
    settings: { overshoot, maxIter: steps, numClasses, ...(eps !== undefined ? { eps } : {}) },
    run: async ({ model, x }) => {
      const state = await deepfoolLoop(model, x, { overshoot, steps, numClasses, clip: true, marginOvershoot: true });
      const xAdv = tf.tidy(() => tf.add(x, tf.mul(state.rTot, 1 + overshoot)) as tf.Tensor4D);
      tf.dispose([state.rTot, state.labels, state.finalLabels]);
      return { xAdv, queries: state.queries };
    },
  });
}
