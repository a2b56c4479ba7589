import * as tf from '@tensorflow/tfjs';
import { AttackError, invalidOption } from './errors.ts';

/**
 * A per-sample attack loss: higher is better for the attacker. `y` holds the true labels, `targets` the target
 * labels of a targeted attack (when the loss supports them). Returns one value per sample.
 */
export type LossFn = (logits: tf.Tensor2D, y: tf.Tensor1D, targets?: tf.Tensor1D) => tf.Tensor1D;

const BIG = 1e9;

function oneHot(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.oneHot(tf.cast(labels, 'int32'), numClasses) as tf.Tensor2D;
}

/** z[n, labels[n]] for each row. */
function pick(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(logits, oneHot(labels, logits.shape[1])), 1) as tf.Tensor1D;
}

/** max over classes except labels[n]. */
function maxOther(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.max(tf.sub(logits, tf.mul(oneHot(labels, logits.shape[1]), BIG)), 1) as tf.Tensor1D;
}

/**
 * The cross-entropy attack loss, one value per sample (not a training loss: no mean, labels as integers):
 * `logsumexp(z) - z_y`. With `targets`, returns `-(logsumexp(z) - z_t)` so that the
 * attacker maximises the target's log-probability.
 */
export const perSampleCrossEntropy: LossFn = (logits, y, targets) =>
  tf.tidy(() => {
    const lse = tf.logSumExp(logits, 1);
    if (targets !== undefined) return tf.neg(tf.sub(lse, pick(logits, targets))) as tf.Tensor1D;
    return tf.sub(lse, pick(logits, y)) as tf.Tensor1D;
  });

/**
 * Carlini-Wagner margin loss as used in adversarial-training papers (CW-linf, notes 2.10):
 * untargeted `-max(z_y - max_{i != y} z_i + kappa, 0)`, targeted `-max(max_{i != t} z_i - z_t + kappa, 0)`.
 * It is 0 (its maximum) once the wrong class leads by `kappa`. Reference kappa = 50.
 */
export function cwMargin(logits: tf.Tensor2D, y: tf.Tensor1D, kappa = 50, targets?: tf.Tensor1D): tf.Tensor1D {
  if (!Number.isFinite(kappa) || kappa < 0) invalidOption('kappa', 'a finite number >= 0', kappa);
  return tf.tidy(() => {
    const margin =
      targets !== undefined
        ? tf.sub(maxOther(logits, targets), pick(logits, targets))
        : tf.sub(pick(logits, y), maxOther(logits, y));
    return tf.neg(tf.relu(tf.add(margin, kappa))) as tf.Tensor1D;
  });
}

/** A {@link LossFn} for {@link cwMargin} with a fixed kappa. */
export function cwLoss(kappa = 50): LossFn {
  return (logits, y, targets) => cwMargin(logits, y, kappa, targets);
}

/**
 * Plain logit margin `max_{i != y} z_i - z_y` (untargeted) or `z_t - max_{i != t} z_i` (targeted): > 0 means
 * the attack succeeded. Higher is better for the attacker.
 */
export const marginLoss: LossFn = (logits, y, targets) =>
  tf.tidy(() =>
    targets !== undefined
      ? (tf.sub(pick(logits, targets), maxOther(logits, targets)) as tf.Tensor1D)
      : (tf.sub(maxOther(logits, y), pick(logits, y)) as tf.Tensor1D),
  );

/**
 * A weighted sum of the k largest logits per row, the DLR denominator: `value(columns)` computes it from the sorted
 * columns (top[:, 0], ..., top[:, k-1]) and must equal `sum_j weights[j] * column j` up to a constant. tfjs has no
 * TopK gradient, so the gradient is written out: `dy * weights[j]` routed to the class of column j. One custom op
 * instead of autodiff through column slices: each slice's gradient is a `Pad`, which cost APGD-T about 3% of its time
 * on wasm; the gradient values are the same (one nonzero term per class).
 */
function sortedTopCombination(
  logits: tf.Tensor2D,
  weights: readonly number[],
  value: (columns: tf.Tensor1D[]) => tf.Tensor1D,
): tf.Tensor1D {
  const k = weights.length;
  if (logits.shape[1] < k) {
    throw new AttackError('unsupported-model', 'model', `DLR loss needs at least ${k} classes, got ${logits.shape[1]}`);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const { values, indices } = tf.topk(z, k);
    save([indices]);
    const classes = z.shape[1] ?? 0;
    const columns = weights.map((_, j) => tf.reshape(tf.slice(values, [0, j], [-1, 1]), [-1]) as tf.Tensor1D);
    return {
      value: value(columns),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const idx = saved[0] as tf.Tensor2D;
        // sum_j (weights[j] * dy[:]) * onehot(idx[:, j]) -> [n, classes]
        const hot = tf.oneHot(idx, classes) as tf.Tensor3D;
        const w = tf.tensor3d(Float32Array.from(weights), [1, k, 1]);
        const perColumn = tf.mul(w, tf.reshape(dy as tf.Tensor1D, [-1, 1, 1]));
        return tf.sum(tf.mul(hot, perColumn), 1);
      },
    };
  });
  return op(logits) as tf.Tensor1D;
}

/**
 * Difference-of-logits-ratio loss (Croce and Hein 2020, AutoAttack `dlr_loss`):
 * `-(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3 + 1e-12)`, with pi the classes sorted by decreasing logit.
 * Needs >= 3 classes. `targets` is ignored (use {@link dlrTargeted}).
 */
export const dlr: LossFn = (logits, y) =>
  tf.tidy(() => {
    const den = sortedTopCombination(logits, [1, 0, -1], ([c0, , c2]) =>
      tf.add(tf.sub(c0 as tf.Tensor1D, c2 as tf.Tensor1D), 1e-12),
    );
    return tf.neg(tf.div(tf.sub(pick(logits, y), maxOther(logits, y)), den)) as tf.Tensor1D;
  });

/**
 * Targeted DLR loss (AutoAttack `dlr_loss_targeted`): `-(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12)`.
 * Needs >= 4 classes and `targets`.
 */
export const dlrTargeted: LossFn = (logits, y, targets) => {
  if (targets === undefined) {
    throw new AttackError(
      'invalid-input',
      'targets',
      'dlrTargeted: targets (a Tensor1D of target labels) are required',
    );
  }
  return tf.tidy(() => {
    const den = sortedTopCombination(logits, [1, 0, -0.5, -0.5], ([c0, , c2, c3]) =>
      tf.add(tf.sub(c0 as tf.Tensor1D, tf.mul(tf.add(c2 as tf.Tensor1D, c3 as tf.Tensor1D), 0.5)), 1e-12),
    );
    return tf.neg(tf.div(tf.sub(pick(logits, y), pick(logits, targets)), den)) as tf.Tensor1D;
  });
};

/** Built-in loss names accepted by attacks that take a `loss` option. */
export type LossName = 'ce' | 'cw' | 'dlr' | 'dlr-targeted' | 'margin';

/** Resolves a loss name (or passes a custom {@link LossFn} through). `kappa` is used by 'cw'. */
export function resolveLoss(loss: LossName | LossFn, kappa = 50): LossFn {
  if (typeof loss === 'function') return loss;
  switch (loss) {
    case 'ce':
      return perSampleCrossEntropy;
    case 'cw':
      return cwLoss(kappa);
    case 'dlr':
      return dlr;
    case 'dlr-targeted':
      return dlrTargeted;
    case 'margin':
      return marginLoss;
    default:
      return invalidOption('loss', "'ce', 'cw', 'dlr', 'dlr-targeted', 'margin' or a function", loss);
  }
}
