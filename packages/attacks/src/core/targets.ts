import * as tf from '@tensorflow/tfjs';
import { AttackError, invalidOption } from './errors.ts';
import type { Model } from './model.ts';
import type { Rng } from './rng.ts';

/** How a targeted attack picks target labels when none are passed to `run`. */
export type TargetMode = 'least-likely' | 'random' | 'second-most-likely';

/**
 * Target labels for a targeted attack: the given `targets`, or chosen per `mode` from the clean logits
 * ('least-likely' = lowest logit, 'second-most-likely' = highest logit other than y, 'random' = a seeded uniform
 * class other than y). The caller owns the returned tensor.
 */
export async function resolveTargets(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  mode: TargetMode,
  rng: Rng,
  targets?: tf.Tensor1D,
): Promise<tf.Tensor1D> {
  if (targets !== undefined) {
    if (targets.rank !== 1 || targets.shape[0] !== x.shape[0]) {
      throw new Error(
        `targets must be a Tensor1D with one label per image (${x.shape[0]}), got shape [${targets.shape}]`,
      );
    }
    return tf.cast(targets, 'int32') as tf.Tensor1D;
  }
  const logits = tf.tidy(() => model(x));
  const classes = logits.shape[1];
  try {
    if (classes < 2) {
      throw new AttackError(
        'unsupported-model',
        'model',
        `a targeted attack needs at least 2 classes, the model outputs ${classes}`,
      );
    }
    if (mode === 'least-likely') return tf.tidy(() => tf.cast(tf.argMin(logits, 1), 'int32') as tf.Tensor1D);
    if (mode === 'second-most-likely') {
      return tf.tidy(() => {
        const masked = tf.sub(logits, tf.mul(tf.oneHot(tf.cast(y, 'int32'), classes), 1e9));
        return tf.cast(tf.argMax(masked, 1), 'int32') as tf.Tensor1D;
      });
    }
    if (mode === 'random') {
      const labels = await y.data();
      const out = Array.from(labels, (label) => {
        const k = rng.int(0, classes - 1);
        return k >= label ? k + 1 : k;
      });
      return tf.tensor1d(out, 'int32');
    }
    return invalidOption('targetMode', "'least-likely', 'second-most-likely' or 'random'", mode);
  } finally {
    logits.dispose();
  }
}
