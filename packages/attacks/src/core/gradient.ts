import * as tf from '@tensorflow/tfjs';
import { AttackError } from './errors.ts';
import type { LossFn } from './losses.ts';
import type { Model } from './model.ts';
import { readValues } from './read.ts';

/** Per-sample loss, logits and input gradient at one point. The caller owns (disposes) the tensors. */
export interface LossAndGradient {
  /** Per-sample loss, shape [n]. */
  loss: tf.Tensor1D;
  /** d(sum of loss)/dx, shape of x. */
  grad: tf.Tensor4D;
  /** Logits at x, shape [n, classes]. */
  logits: tf.Tensor2D;
}

/**
 * One forward and backward pass: the per-sample loss, the logits and the gradient of the summed loss with respect
 * to the input. Leaks nothing: inside a `tf.tidy` the returned tensors are tracked by that scope as usual.
 */
export function lossAndGradient(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  lossFn: LossFn,
  targets?: tf.Tensor1D,
): LossAndGradient {
  let keptLoss: tf.Tensor1D | undefined;
  let keptLogits: tf.Tensor2D | undefined;
  const f = (input: tf.Tensor): tf.Scalar => {
    const logits = model(input as tf.Tensor4D);
    if (logits.rank !== 2)
      throw new AttackError(
        'unsupported-model',
        'model',
        `model must return rank-2 logits [batch, classes], got shape [${logits.shape}]`,
      );
    const loss = lossFn(logits, y, targets);
    keptLogits = tf.keep(logits);
    keptLoss = tf.keep(loss);
    return tf.sum(loss);
  };
  const grad = tf.grad(f)(x) as tf.Tensor4D;
  const logitsK = keptLogits as tf.Tensor2D | undefined;
  const lossK = keptLoss as tf.Tensor1D | undefined;
  if (logitsK === undefined || lossK === undefined) throw new Error('lossAndGradient: loss function did not run');
  // Kept tensors escape every tidy scope: hand back tracked clones and free the kept originals.
  const logits = tf.clone(logitsK);
  const loss = tf.clone(lossK);
  tf.dispose([logitsK, lossK]);
  return { loss, grad, logits };
}

/** Logits of `model` at `x` without recording gradients' memory beyond the call (tidy). */
export function predict(model: Model, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => model(x));
}

/** Predicted classes of `model` at `x` as a plain array. */
export async function predictLabels(model: Model, x: tf.Tensor4D): Promise<number[]> {
  return readValues(tf.tidy(() => tf.argMax(model(x), 1)));
}

/** Predicted classes of `model` at `x`, computed in slices of `batchSize` images to bound memory. */
export async function predictLabelsBatched(model: Model, x: tf.Tensor4D, batchSize: number): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < x.shape[0]; s += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - s);
    out.push(...(await readValues(tf.tidy(() => tf.argMax(model(tf.slice(x, [s, 0, 0, 0], [size, -1, -1, -1])), 1)))));
  }
  return out;
}
