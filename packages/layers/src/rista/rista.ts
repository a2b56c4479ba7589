import {
  type ConvPadding,
  convOperator,
  elasticWeights,
  fusedElasticResidual,
  fusedRistaAvailable,
  fusedShrinkStep,
  lipschitzOnDevice,
  nonNegativeSoftThreshold,
  softThreshold,
} from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { checkBoolean, checkNumber, checkNumberOrScalar, checkPositiveInt } from '../core/checkers.ts';
import { LayerError } from '../core/layer-error.ts';
import { elasticStepSize } from './elastic-step-size.ts';
import { checkpoint } from './recompute.ts';
import { type ObjectiveReduction, ristaObjective } from './rista-objective.ts';
import { POWER_ITERATION_SEED } from './step-size-tracker.ts';
import { stopGradient } from './stop-gradient.ts';

/** Options of {@link rista}. Numbers are validated; scalar tensors are used as given (their values are not read). */
export interface RistaOptions {
  /** Unrolled steps `T` (>= 1): one thresholded encoder pass plus `T - 1` RISTA corrections. Default 3. */
  steps?: number;
  /** Sparsity weight `lambda` (>= 0); the threshold is `lambda * t`. Number or scalar tensor. Default 0.1. */
  lambda?: number | tf.Scalar;
  /** `eps` of the reweighting `w = 1 / (2 (|r| + eps))`, > 0. Default 1e-3. */
  eps?: number;
  /** Elastic mix `beta` in [0, 1]: 1 is Vanilla DL (ISTA), 0 Robust DL. Number or scalar tensor. Default 0.5. */
  beta?: number | tf.Scalar;
  /**
   * Step size `t` (> 0), a number or a scalar tensor (used as given), or `'auto'` (default): the step that descends
   * for every `beta`, `0.9 / (L (beta + (1 - beta) / (2 eps)))` (see {@link elasticStepSize}; `0.9 / L` at
   * `beta = 1`), with `L = ||A||^2` from 50 power iterations, computed on the device without gradient (so a
   * gradient w.r.t. the filter or `beta` treats `t` as a constant) and without read-back (works on every backend);
   * an all-zero filter, whose codes are zero for any step, gets a huge finite `t`.
   */
  stepSize?: number | tf.Scalar | 'auto';
  /**
   * Step of the encoder pass `z0 = T(t0 A(x))` (threshold `lambda t0`), a number or scalar tensor (> 0). Default:
   * `stepSize` when that is given, and with `stepSize: 'auto'` SDNet's `0.9 / L` for every `beta`. `z0` is the
   * starting point, not a descent step (the paper even starts at the raw `A(x)`), so its step is free; at the
   * Lipschitz step the codes keep the scale of Vanilla DL's, where the tiny descent step of a robust layer would make
   * `z0` about `2 eps` times smaller.
   */
  initStepSize?: number | tf.Scalar;
  /** Use the one-sided threshold `max(z - lambda t, 0)` (SDNet) instead of the two-sided one. Default true. */
  nonNegative?: boolean;
  /** Stride of `A`. Default 1. */
  strides?: number | [number, number];
  /** Padding of `A`. Default `'symmetric'` (PyTorch-equivalent). */
  padding?: ConvPadding;
  /** Stop the gradient through the reweighting `w` (BPDA-style adaptive evaluation). Default false. */
  detachWeights?: boolean;
  /** Also return the code and the objective of every step, see {@link RistaTrace}. Default false. */
  trace?: boolean;
  /**
   * Gradient checkpointing: keep none of the unrolled steps' intermediates for backprop (only `x`, `filter` and the
   * tensor-valued `beta`, `lambda`, `stepSize`) and recompute the unrolled forward in the backward pass. Same
   * values and gradients; about `6 T` fewer activation-sized tensors held per call between forward and backward,
   * for one extra forward per backward. First-order gradients only; not with `trace`. Default false.
   */
  recompute?: boolean;
  /** Reduction of the traced objective over the batch: per-sample `'mean'` (default) or batch `'sum'`. */
  objectiveReduction?: ObjectiveReduction;
}

/** What {@link rista} returns with `trace: true`. The caller owns (and disposes) every tensor. */
export interface RistaTrace {
  /** The final codes `z_T`: the same tensor object as `codes[steps - 1]` (dispose it once). */
  output: tf.Tensor4D;
  /** `z_0 ... z_{T-1}`, one tensor per step. */
  codes: tf.Tensor4D[];
  /**
   * Objective `beta/2 ||x - A*z||_2^2 + (1-beta)/2 ||x - A*z||_1 + lambda ||z||_1` of each code, shape `[steps]`,
   * reduced over the batch as `objectiveReduction` says (default: per-sample mean).
   */
  objectives: tf.Tensor1D;
  /** The step size `t` used (a scalar tensor for `stepSize: 'auto'`). */
  stepSize: number | tf.Scalar;
  /** The step `t0` of the encoder pass (a scalar tensor for `stepSize: 'auto'` without `initStepSize`). */
  initStepSize: number | tf.Scalar;
}

/**
 * Unrolled RISTA (paper Alg. 1, App. B.2): sparse codes `z` of images `x` under the convolutional dictionary
 * `filter`, minimising `beta/2 ||x - A*z||_2^2 + (1-beta)/2 ||x - A*z||_1 + lambda ||z||_1`.
 *
 * `z0 = T(t0 A(x))`, then `steps - 1` times: `r = x - A*(z)`, `w = 1 / (2 (|r| + eps))`,
 * `z = T(z + t A((beta + (1 - beta) w) r))`, where `T` is the soft threshold at `lambda t`, and the default `t`
 * makes every step decrease the objective for any `beta` (see {@link elasticStepSize}); `t0` is `t` or, by
 * default with `stepSize: 'auto'`, SDNet's `0.9 / L` (see `initStepSize`). Like SDNet, `z0` is the
 * thresholded encoder output (the paper writes `z0 = A(x)`). Gradients flow through every step, through `w`
 * (unless `detachWeights`), and to `x`, `filter`, and tensor-valued `beta`, `lambda` and `stepSize`.
 *
 * @param x - images `[B, H, W, C]` (NHWC)
 * @param filter - the dictionary `[kh, kw, C, D]`
 * @returns the codes `[B, Ho, Wo, D]`, or a {@link RistaTrace} with `trace: true`
 * @example
 * const z = rista(x, W, { steps: 3, beta: 0.5, lambda: 0.1, strides: 2 });
 */
export function rista(x: tf.Tensor4D, filter: tf.Tensor4D, options: RistaOptions & { trace: true }): RistaTrace;
export function rista(x: tf.Tensor4D, filter: tf.Tensor4D, options?: RistaOptions & { trace?: false }): tf.Tensor4D;
export function rista(x: tf.Tensor4D, filter: tf.Tensor4D, options?: RistaOptions): tf.Tensor4D | RistaTrace;
export function rista(x: tf.Tensor4D, filter: tf.Tensor4D, options: RistaOptions = {}): tf.Tensor4D | RistaTrace {
  if (x?.rank !== 4) {
    throw new LayerError(
      'invalid-input',
      'x',
      `x: expected a rank-4 NHWC tensor [batch, height, width, channels], got shape [${x?.shape?.join(', ')}]`,
    );
  }
  const steps = checkPositiveInt('steps', options.steps ?? 3);
  const lambda = checkNumberOrScalar('lambda', options.lambda ?? 0.1, { min: 0 });
  const eps = checkNumber('eps', options.eps ?? 1e-3, { min: 0, exclusiveMin: true });
  const beta = checkNumberOrScalar('beta', options.beta ?? 0.5, { min: 0, max: 1 });
  const nonNegative = checkBoolean('nonNegative', options.nonNegative ?? true);
  const detach = checkBoolean('detachWeights', options.detachWeights ?? false);
  const trace = checkBoolean('trace', options.trace ?? false);
  const recompute = checkBoolean('recompute', options.recompute ?? false);
  if (recompute && trace) {
    throw new LayerError(
      'invalid-option',
      'recompute',
      'recompute: cannot be combined with trace: true (the trace keeps every step); drop one of them',
    );
  }
  const requested = options.stepSize ?? 'auto';
  const op = convOperator(filter, x.shape, { strides: options.strides ?? 1, padding: options.padding ?? 'symmetric' });
  const lipschitzStep = requested === 'auto' ? autoLipschitzStep(filter, x.shape, op) : null;
  const stepSize = lipschitzStep
    ? elasticStepSize(lipschitzStep, beta, eps)
    : checkNumberOrScalar('stepSize', requested, { min: 0, exclusiveMin: true });
  const initStepSize =
    options.initStepSize !== undefined
      ? checkNumberOrScalar('initStepSize', options.initStepSize, { min: 0, exclusiveMin: true })
      : (lipschitzStep ?? stepSize);
  // the step tensors made here (not the caller's), disposed once used unless the trace hands them over
  const owned = [lipschitzStep, lipschitzStep ? stepSize : null].filter((t): t is tf.Scalar => t !== null);
  const shrink = nonNegative ? nonNegativeSoftThreshold : softThreshold;

  const unroll = (
    xs: tf.Tensor4D,
    w: tf.Tensor4D,
    b: Scalarish,
    l: Scalarish,
    t: Scalarish,
    t0: Scalarish,
  ): tf.Tensor4D[] => {
    const A = w === filter ? op : convOperator(w, xs.shape, { strides: op.strides, padding: op.pad });
    const times = (u: Scalarish, v: Scalarish) =>
      typeof u === 'number' && typeof v === 'number' ? u * v : (tf.mul(u, v) as tf.Scalar);
    const threshold = times(l, t);
    const threshold0 = t0 === t ? threshold : times(l, t0);
    const codes: tf.Tensor4D[] = [];
    // T(z + t v) (z null: T(t v)) and the reweighted residual (beta + (1 - beta) w)(x - u): one fused kernel each
    // (and one for its gradient) where the backend has them, the composite tfjs ops elsewhere.
    const fused = fusedRistaAvailable();
    const update = (z: tf.Tensor4D | null, v: tf.Tensor4D): tf.Tensor4D => {
      const [step, thr] = z ? [t, threshold] : [t0, threshold0];
      return fused
        ? fusedShrinkStep(z, v, step, thr, nonNegative)
        : shrink((z ? tf.add(z, tf.mul(step, v)) : tf.mul(step, v)) as tf.Tensor4D, thr);
    };
    const residual = (u: tf.Tensor4D): tf.Tensor4D =>
      fused && b !== 1 ? fusedElasticResidual(xs, u, b, eps, detach) : weightedResidual(tf.sub(xs, u), b, eps, detach);
    let z = update(null, A.forward(xs));
    codes.push(z);
    for (let k = 1; k < steps; k++) {
      z = update(z, A.forward(residual(A.adjoint(z))));
      codes.push(z);
    }
    return codes;
  };

  if (recompute) {
    // Differentiate against x, the filter and whichever of beta, lambda and the steps are tensors; numbers stay
    // constants. (One input per distinct tensor: t0 is often the same tensor as t.)
    const sameInit = initStepSize === stepSize;
    const scalars = sameInit ? [beta, lambda, stepSize] : [beta, lambda, stepSize, initStepSize];
    const inputs: tf.Tensor[] = [x, filter, ...scalars.filter((s): s is tf.Scalar => typeof s !== 'number')];
    const z = checkpoint((...ins) => {
      let next = 2;
      const [b, l, t, t0] = scalars.map((s) => (typeof s === 'number' ? s : (ins[next++] as tf.Scalar)));
      return tf.tidy(
        () => unroll(ins[0] as tf.Tensor4D, ins[1] as tf.Tensor4D, b!, l!, t!, sameInit ? t! : t0!)[steps - 1]!,
      );
    }, inputs);
    tf.dispose(owned); // checkpoint keeps its own copies
    return z;
  }

  const result = tf.tidy(() => {
    const codes = unroll(x, filter, beta, lambda, stepSize, initStepSize);
    const z = codes[steps - 1]!;
    if (!trace) return z;
    const objectives = tf.stack(
      codes.map((c) => ristaObjective(op, x, c, { beta, lambda, reduction: options.objectiveReduction ?? 'mean' })),
    ) as tf.Tensor1D;
    return { output: z, codes, objectives, stepSize, initStepSize };
  });
  if (!trace)
    tf.dispose(owned); // with trace the caller owns them
  else if (lipschitzStep && lipschitzStep !== initStepSize) lipschitzStep.dispose(); // not handed over
  return result;
}

type Scalarish = number | tf.Scalar;

/** `(beta + (1 - beta) w) r`, skipping `w` where `beta` is the number 1. */
function weightedResidual(r: tf.Tensor4D, beta: number | tf.Scalar, eps: number, detach: boolean): tf.Tensor4D {
  if (beta === 1) return r;
  let w = elasticWeights(r, eps);
  if (detach) w = stopGradient(w);
  if (beta === 0) return tf.mul(w, r);
  return tf.mul(tf.add(beta, tf.mul(tf.sub(1, beta), w)), r);
}

/**
 * `0.9 / L`, `L` from a power iteration on a gradient-stopped copy of the filter, on the device. `L` is floored at
 * 1e-30 (ops with gradients only: this runs on the tape when rista is differentiated), so a zero filter gets a huge
 * finite `t`, which gives the exact zero codes.
 */
function autoLipschitzStep(filter: tf.Tensor4D, shape: number[], op: ReturnType<typeof convOperator>): tf.Scalar {
  return tf.tidy(() => {
    const detached = stopGradient(filter);
    const estimate = lipschitzOnDevice(convOperator(detached, shape, { strides: op.strides, padding: op.pad }), {
      seed: POWER_ITERATION_SEED,
    });
    return tf.div(0.9, tf.maximum(estimate.value, 1e-30)) as tf.Scalar;
  });
}
