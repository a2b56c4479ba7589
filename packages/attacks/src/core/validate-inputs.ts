import * as tf from '@tensorflow/tfjs';
import type { Model } from './model.ts';
import { readScalars } from './read.ts';

/**
 * Checks a batch of images: rank 4 (NHWC), float32, every value finite and in [0, 1].
 * @throws Error naming `name` and what was expected.
 */
export async function validateImages(x: tf.Tensor, name = 'x'): Promise<void> {
  if (!(x instanceof tf.Tensor)) throw new Error(`${name} must be a tf.Tensor4D (NHWC images in [0, 1])`);
  if (x.isDisposed) throw new Error(`${name} has been disposed`);
  if (x.rank !== 4)
    throw new Error(`${name} must have rank 4 (NHWC: [batch, height, width, channels]), got shape [${x.shape}]`);
  if (x.dtype !== 'float32') throw new Error(`${name} must be float32 with pixels in [0, 1], got dtype ${x.dtype}`);
  if (x.shape[0] === 0) throw new Error(`${name} must hold at least one image, got an empty batch`);
  const [bad, lo, hi] = tf.tidy(() => [tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')), tf.min(x), tf.max(x)]);
  const [nBad = 0, min = 0, max = 0] = await readScalars([bad, lo, hi]);
  if (nBad > 0) throw new Error(`${name} contains ${nBad} NaN or infinite values; expected finite pixels in [0, 1]`);
  if (min < 0 || max > 1) {
    throw new Error(
      `${name} must have pixels in [0, 1] (got min ${min}, max ${max}); scale images and use withNormalization for mean/std`,
    );
  }
}

/**
 * Checks integer class labels: rank 1, one per image, integers in [0, numClasses) when `numClasses` is given.
 * @throws Error naming `name` and what was expected.
 */
export async function validateLabels(y: tf.Tensor, batchSize: number, numClasses?: number, name = 'y'): Promise<void> {
  if (!(y instanceof tf.Tensor)) throw new Error(`${name} must be a tf.Tensor1D of integer class labels`);
  if (y.isDisposed) throw new Error(`${name} has been disposed`);
  if (y.rank !== 1) throw new Error(`${name} must have rank 1 (one integer label per image), got shape [${y.shape}]`);
  if (y.shape[0] !== batchSize)
    throw new Error(`${name} has ${y.shape[0]} labels but the batch has ${batchSize} images`);
  const values = await y.data();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (!Number.isInteger(v) || v < 0 || (numClasses !== undefined && v >= numClasses)) {
      const range = numClasses === undefined ? '>= 0' : `in [0, ${numClasses})`;
      throw new Error(`${name}[${i}] = ${v} is not a valid class label: expected an integer ${range}`);
    }
  }
}

/**
 * Checks a perturbation budget: a finite number >= 0.
 * @throws Error naming `name`.
 */
export function validateEps(eps: number, name = 'eps'): void {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) {
    throw new Error(`${name} must be a finite number >= 0, got ${eps}`);
  }
}

/**
 * Checks a positive integer option (steps, restarts, batch size...).
 * @throws Error naming `name`.
 */
export function validatePositiveInt(value: number, name: string, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name} must be an integer >= ${allowZero ? 0 : 1}, got ${value}`);
  }
}

/**
 * Number of classes a model outputs, from one forward pass on the first image.
 * @throws Error if the model does not return rank-2 logits with one row per image.
 */
export function numClassesOf(model: Model, x: tf.Tensor4D): number {
  const out = tf.tidy(() => model(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1])));
  const shape = out.shape;
  out.dispose();
  if (shape.length !== 2 || shape[0] !== 1) {
    throw new Error(`model must return logits of shape [batch, classes]; for one image it returned [${shape}]`);
  }
  return shape[1] ?? 0;
}

/**
 * Validates the usual attack inputs: images `x` and labels `y`; labels are checked against the model's number of
 * classes when `model` (or a class count) is given.
 */
export async function validateAttackInputs(x: tf.Tensor, y: tf.Tensor, modelOrClasses?: Model | number): Promise<void> {
  await validateImages(x, 'x');
  const classes =
    typeof modelOrClasses === 'function' ? numClassesOf(modelOrClasses as Model, x as tf.Tensor4D) : modelOrClasses;
  await validateLabels(y, x.shape[0] ?? 0, classes, 'y');
}
