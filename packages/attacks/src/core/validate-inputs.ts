import * as tf from '@tensorflow/tfjs';
import { AttackError } from './errors.ts';
import type { Model } from './model.ts';
import { readScalars } from './read.ts';

function invalidInput(name: string, message: string): never {
  throw new AttackError('invalid-input', name, `${name} ${message}`);
}

/**
 * Checks a batch of images: rank 4 (NHWC), float32, every value finite and in [0, 1].
 * @throws AttackError (code 'invalid-input') naming `name` and what was expected.
 */
export async function checkImages(name: string, x: tf.Tensor): Promise<void> {
  if (!(x instanceof tf.Tensor)) invalidInput(name, 'must be a tf.Tensor4D (NHWC images in [0, 1])');
  if (x.isDisposed) invalidInput(name, 'has been disposed');
  if (x.rank !== 4)
    invalidInput(name, `must have rank 4 (NHWC: [batch, height, width, channels]), got shape [${x.shape}]`);
  if (x.dtype !== 'float32') invalidInput(name, `must be float32 with pixels in [0, 1], got dtype ${x.dtype}`);
  if (x.shape[0] === 0) invalidInput(name, 'must hold at least one image, got an empty batch');
  const [nBad = 0, min = 0, max = 0] = await readScalars(
    tf.tidy(() => [tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')), tf.min(x), tf.max(x)]),
  );
  if (nBad > 0) invalidInput(name, `contains ${nBad} NaN or infinite values; expected finite pixels in [0, 1]`);
  if (min < 0 || max > 1) {
    invalidInput(
      name,
      `must have pixels in [0, 1] (got min ${min}, max ${max}); scale images and use withNormalization for mean/std`,
    );
  }
}

/**
 * Checks integer class labels: rank 1, one per image, integers in [0, numClasses) when `numClasses` is given.
 * Returns the labels as numbers.
 * @throws AttackError (code 'invalid-input') naming `name` and what was expected.
 */
export async function checkLabels(
  name: string,
  y: tf.Tensor,
  batchSize: number,
  numClasses?: number,
): Promise<number[]> {
  if (!(y instanceof tf.Tensor)) invalidInput(name, 'must be a tf.Tensor1D of integer class labels');
  if (y.isDisposed) invalidInput(name, 'has been disposed');
  if (y.rank !== 1) invalidInput(name, `must have rank 1 (one integer label per image), got shape [${y.shape}]`);
  if (y.shape[0] !== batchSize) invalidInput(name, `has ${y.shape[0]} labels but the batch has ${batchSize} images`);
  const values = Array.from(await y.data(), Number);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || (numClasses !== undefined && v >= numClasses)) {
      const range = numClasses === undefined ? '>= 0' : `in [0, ${numClasses})`;
      throw new AttackError(
        'invalid-input',
        name,
        `${name}[${i}] = ${v} is not a valid class label: expected an integer ${range}`,
      );
    }
  });
  return values;
}

/**
 * Checks the target labels of a targeted attack: valid labels (see {@link checkLabels}) and none equal to the true
 * label (a "target" that is the true class would count the clean point as a success).
 */
export async function checkTargets(
  name: string,
  targets: tf.Tensor,
  labels: readonly number[],
  numClasses: number,
): Promise<void> {
  const values = await checkLabels(name, targets, labels.length, numClasses);
  const same = values.findIndex((t, i) => t === labels[i]);
  if (same >= 0) {
    throw new AttackError(
      'invalid-input',
      name,
      `${name}[${same}] = ${values[same]} equals the true label y[${same}]: a target must be another class`,
    );
  }
}

/**
 * Number of classes a model outputs, from one forward pass on the first image.
 * @throws AttackError (code 'unsupported-model') if the model does not return rank-2 logits, one row per image.
 */
export function numClassesOf(model: Model, x: tf.Tensor4D): number {
  const out = tf.tidy(() => model(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, -1])));
  const shape = out.shape;
  out.dispose();
  if (shape.length !== 2 || shape[0] !== 1) {
    throw new AttackError(
      'unsupported-model',
      'model',
      `model must return logits of shape [batch, classes]; for one image it returned [${shape}]`,
    );
  }
  return shape[1] ?? 0;
}

/**
 * Validates the usual attack inputs: images `x` and labels `y` checked against the model's number of classes.
 * Returns the number of classes and the labels.
 */
export async function checkAttackInputs(
  model: Model,
  x: tf.Tensor,
  y: tf.Tensor,
): Promise<{ numClasses: number; labels: number[] }> {
  await checkImages('x', x);
  const numClasses = numClassesOf(model, x as tf.Tensor4D);
  const labels = await checkLabels('y', y, x.shape[0] ?? 0, numClasses);
  return { numClasses, labels };
}
