import * as tf from '@tensorflow/tfjs';
import { AttackError } from './errors.ts';
import { readScalars } from './read.ts';

/**
 * A classifier under attack: maps a batch of images in [0, 1] (NHWC float32) to logits (pre-softmax scores).
 * Any function works: a wrapped `tf.LayersModel`, a graph model, or hand-written tensor code.
 */
export type Model = (x: tf.Tensor4D) => tf.Tensor2D;

/** Per-channel (or scalar) mean / std normalisation applied inside the model call. */
export interface Normalization {
  /** Mean per channel (length = number of channels) or one value for all channels. */
  mean: number | readonly number[];
  /** Standard deviation per channel or one value; every entry must be > 0. */
  std: number | readonly number[];
}

function checkStats(values: number | readonly number[], name: string, positive: boolean): number[] {
  const list = typeof values === 'number' ? [values] : [...values];
  if (list.length === 0) throw new AttackError('invalid-option', name, `withNormalization: ${name} must not be empty`);
  for (const v of list) {
    if (!Number.isFinite(v) || (positive && v <= 0)) {
      throw new AttackError(
        'invalid-option',
        name,
        `withNormalization: ${name} must hold finite numbers${positive ? ' > 0' : ''}, got ${v}`,
      );
    }
  }
  return list;
}

/**
 * Wraps a model that expects normalised input `(x - mean) / std` so that attacks can work in [0, 1] pixel space.
 * The normalisation is differentiable, so gradients are taken with respect to the raw pixels.
 */
export function withNormalization(model: Model, normalization: Normalization): Model {
  const mean = checkStats(normalization.mean, 'mean', false);
  const std = checkStats(normalization.std, 'std', true);
  if (mean.length !== std.length && mean.length !== 1 && std.length !== 1) {
    throw new AttackError(
      'invalid-option',
      'std',
      `withNormalization: mean (${mean.length}) and std (${std.length}) lengths differ`,
    );
  }
  return (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const channels = x.shape[3];
      for (const [name, list] of [
        ['mean', mean],
        ['std', std],
      ] as const) {
        if (list.length !== 1 && list.length !== channels) {
          throw new AttackError(
            'invalid-input',
            name,
            `withNormalization: ${name} has ${list.length} entries but x has ${channels} channels`,
          );
        }
      }
      const m = tf.tensor1d(mean);
      const s = tf.tensor1d(std);
      return model(tf.div(tf.sub(x, m), s) as tf.Tensor4D);
    });
}

/** Options of {@link fromLayersModel}. */
export interface FromLayersModelOptions {
  /** Run layers in training mode (dropout, batch statistics). Default false: attacks evaluate the deployed model. */
  training?: boolean;
}

/**
 * Wraps a `tf.LayersModel` (e.g. a `tf.sequential`) whose last layer outputs logits as a {@link Model}.
 * Uses `model.apply(x, { training })` so gradients flow and dropout / batch norm run in inference mode by default.
 */
export function fromLayersModel(model: tf.LayersModel, options: FromLayersModelOptions = {}): Model {
  const training = options.training ?? false;
  return (x: tf.Tensor4D): tf.Tensor2D => {
    const out = model.apply(x, { training });
    if (Array.isArray(out))
      throw new AttackError(
        'unsupported-model',
        'model',
        'fromLayersModel: model has several outputs; expected one logits tensor',
      );
    const t = out as tf.Tensor;
    if (t.rank !== 2)
      throw new AttackError(
        'unsupported-model',
        'model',
        `fromLayersModel: expected rank-2 logits [batch, classes], got shape [${t.shape}]`,
      );
    return t as tf.Tensor2D;
  };
}

/**
 * True when outputs look like probabilities rather than logits: every entry in [0, 1] (within 1e-5) and every row
 * sums to 1 (within 1e-3). Mirrors AutoAttack's `check_range_output`. Attacks expect logits: a softmax output
 * saturates and hides the gradient.
 */
export async function looksLikeProbabilities(outputs: tf.Tensor2D): Promise<boolean> {
  const [minV, maxV, maxRowErr] = tf.tidy(() => {
    const rowErr = tf.max(tf.abs(tf.sub(tf.sum(outputs, 1), 1)));
    return [tf.min(outputs), tf.max(outputs), rowErr];
  });
  const [min = 0, max = 0, rowErr = 1] = await readScalars([minV, maxV, maxRowErr]);
  return min > -1e-5 && max < 1 + 1e-5 && rowErr < 1e-3;
}
