import type { ThreatModel as AttackThreatModel } from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';
import { checkedIn, checkNumber, checkOneOf, checkPositive, checkPositiveInt } from '../errors/checkers.ts';
import { oneHotLabels } from './losses.ts';

/**
 * How a step context carries the loss value: the trainer keeps it on the device as a `tf.Scalar` the caller of
 * `step` owns (and reads it with one awaited `data()` per step, so no GPU read blocks); simple test contexts use
 * plain numbers. Methods do not look at it: they return what `ctx.update` returned.
 */
export type StepLoss = number | tf.Scalar;

/** What a method sees during one step; `L` is how the loss value is carried (see {@link StepLoss}). */
export interface StepContext<L extends StepLoss = number> {
  /** The model as logits: `training` true runs BatchNorm on batch statistics (and updates its moving stats). */
  forward: (x: tf.Tensor4D, training: boolean) => tf.Tensor2D;
  /** Number of classes. */
  numClasses: number;
  /** The trainable variables `update` optimizes (in model order). */
  variables: readonly tf.Variable[];
  /** Every model weight, BatchNorm moving statistics included (for methods that must save and restore them). */
  stateVariables: readonly tf.Variable[];
  /** Seed for this step's random draws (a pure function of base seed, epoch and step). */
  seed: number;
  /**
   * Mixup soft labels `[B, numClasses]` (rows sum to 1) when the trainer's `mixup` option is on: the batch `x` is
   * already mixed and methods with `acceptsSoftLabels` train against these instead of one-hot(y). Owned by the
   * caller (do not dispose). Absent otherwise.
   */
  softLabels?: tf.Tensor2D;
  /**
   * Computes the gradient of `lossFn` (built in training mode) with respect to the trainable variables, adds the
   * configured regulariser, applies the optimizer and the layer constraints; returns the loss value (a kept
   * `tf.Scalar` under the trainer).
   */
  update: (lossFn: () => tf.Scalar) => L;
}

/**
 * A training method (standard, PGD-AT, TRADES, MART, HAT, AWP wrapper): one step on a batch. Methods generate
 * their adversarial examples with `forward(x, false)` (eval mode, as in the reference code of Madry et al.,
 * TRADES, MART and HAT), then call `ctx.update` once with a loss built with `forward(·, true)`.
 */
export interface TrainingMethod {
  readonly name: string;
  /**
   * True when the method trains against `ctx.softLabels` (mixup) when present; the trainer rejects `mixup` for
   * methods without it (TRADES, MART, HAT, AWP).
   */
  readonly acceptsSoftLabels?: boolean;
  /**
   * Runs one step on images `x` in [0, 1] (NHWC) and int32 labels `y`; returns the batch loss, i.e. the value
   * `ctx.update` returned.
   */
  step<L extends StepLoss>(ctx: StepContext<L>, x: tf.Tensor4D, y: tf.Tensor1D): L;
}

/**
 * The targets of a step, `[B, numClasses]` float32, owned by the caller (dispose it): a copy of `ctx.softLabels`
 * (mixup) when present, else one-hot(y).
 */
export function stepTargets(ctx: StepContext<StepLoss>, y: tf.Tensor1D): tf.Tensor2D {
  return ctx.softLabels ? tf.clone(ctx.softLabels) : oneHotLabels(y, ctx.numClasses);
}

/**
 * The L∞ threat model used to generate training examples: the `eps` of `@edl/attacks`' {@link AttackThreatModel}
 * (norm 'linf', the only one training supports) plus the PGD step size and number of steps.
 */
export interface ThreatModel extends Omit<AttackThreatModel, 'norm' | 'eps'> {
  /** Norm of the ball; only 'linf' (the default). */
  norm?: 'linf';
  /** L∞ radius ε for images in [0, 1]. */
  eps: number;
  /** Step size α. */
  stepSize: number;
  /** Attack steps. */
  steps: number;
}

/** Validates a {@link ThreatModel}, naming the method and the option at fault (`pgdAT: eps must be ...`). */
export function checkThreatModel(method: string, t: ThreatModel): void {
  checkedIn(method, () => {
    if (t.norm !== undefined) checkOneOf('norm', t.norm, ['linf']);
    checkNumber('eps', t.eps, { min: 0, exclusiveMin: true, max: 1 });
    checkPositive('stepSize', t.stepSize);
    checkPositiveInt('steps', t.steps);
  });
}
