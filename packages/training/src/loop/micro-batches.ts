import * as tf from '@tensorflow/tfjs';
import type { StepContext, TrainingMethod } from '../methods/training-method.ts';

/**
 * The sizes of the micro-batches a batch of `batch` images splits into for gradient accumulation over `k`: as
 * equal as possible, the larger ones first, none empty (fewer than `k` when the batch, e.g. an epoch's last one, has
 * fewer than `k` images).
 */
export function microBatchSizes(batch: number, k: number): number[] {
  const parts = Math.min(k, batch);
  const base = Math.floor(batch / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < batch % parts ? 1 : 0));
}

/** One optimizer step run as micro-batches, see {@link stepInMicroBatches}. */
export interface MicroBatchStep {
  method: TrainingMethod;
  /** The whole batch: images, labels and (mixup) soft labels; owned by the caller. */
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  softLabels?: tf.Tensor2D;
  /** Number of micro-batches (at most the batch size are used). */
  accumulate: number;
  /** The step context of micro-batch `i` without `update` and `softLabels` (its seed differs per micro-batch). */
  context: (i: number) => Omit<StepContext<tf.Scalar>, 'update' | 'softLabels'>;
  /** The variables the gradients are taken of. */
  variables: tf.Variable[];
  /** The regulariser added to each micro-batch's loss (null: none); it counts once in the weighted sum. */
  penalty: () => tf.Scalar | null;
  /** Applies the accumulated gradients (one per variable, null where none) once: the optimizer and the constraints. */
  apply: (grads: (tf.Tensor | null)[]) => void;
}

/**
 * Gradient accumulation: runs `method.step` on each micro-batch of the batch in turn (see {@link microBatchSizes}),
 * each on the same weights, and sums the gradients of the micro-batch losses, each weighted by its share of the
 * batch (`b_i / B`), so that the sum is the gradient of the batch's mean loss; then applies it once. Returns the
 * batch loss (the weighted sum of the micro-batch losses) as a scalar the caller owns. Only one micro-batch's tape
 * is alive at a time, which is what saves memory.
 *
 * Exact (up to float rounding) for every loss that is a mean over the batch's samples (cross-entropy, TRADES' KL,
 * MART, HAT, mixup on the whole batch's pairs, the regulariser) in a model without BatchNorm in training mode. With
 * BatchNorm, each micro-batch normalises with its own statistics, and the moving averages are updated once per
 * micro-batch. Adversarial examples are found per micro-batch on the same weights, as in one batch; AWP's weight
 * perturbation comes from each micro-batch's own gradient.
 */
export function stepInMicroBatches(s: MicroBatchStep): tf.Scalar {
  const batch = s.x.shape[0];
  const sizes = microBatchSizes(batch, s.accumulate);
  const vars = s.variables;
  let sums: (tf.Tensor | null)[] = vars.map(() => null);
  let loss: tf.Scalar | null = null;
  try {
    let offset = 0;
    sizes.forEach((b, i) => {
      const weight = b / batch;
      const start = offset;
      offset += b;
      const part = tf.tidy(() => ({
        x: tf.slice(s.x, [start, 0, 0, 0], [b, -1, -1, -1]),
        y: tf.slice(s.y, [start], [b]),
        ...(s.softLabels ? { soft: tf.slice(s.softLabels, [start, 0], [b, -1]) } : {}),
      }));
      let value: tf.Scalar | undefined;
      try {
        const ctx: StepContext<tf.Scalar> = {
          ...s.context(i),
          ...(part.soft ? { softLabels: part.soft } : {}),
          update: (lossFn) => {
            const out = tf.tidy(() => {
              const { value: v, grads } = tf.variableGrads(() => {
                const l = lossFn();
                const p = s.penalty();
                return p ? tf.add(l, p) : l;
              }, vars);
              const next: Record<number, tf.Tensor> = {};
              vars.forEach((variable, j) => {
                const g = grads[variable.name];
                if (g == null) return;
                const scaled = tf.mul(g, weight);
                const old = sums[j];
                next[j] = old ? tf.add(old, scaled) : scaled;
              });
              return { value: tf.mul(v, weight) as tf.Scalar, next };
            });
            sums = sums.map((old, j) => {
              const fresh = out.next[j];
              if (fresh === undefined) return old;
              old?.dispose();
              return fresh;
            });
            return out.value;
          },
        };
        value = s.method.step(ctx, part.x, part.y);
      } finally {
        tf.dispose([part.x, part.y, ...(part.soft ? [part.soft] : [])]);
      }
      const previous: tf.Scalar | null = loss;
      loss = previous ? tf.tidy(() => tf.add(previous, value) as tf.Scalar) : value;
      if (previous) {
        previous.dispose();
        value.dispose();
      }
    });
    s.apply(sums);
    const result = loss as tf.Scalar | null;
    loss = null;
    if (!result) throw new Error('stepInMicroBatches: an empty batch');
    return result;
  } finally {
    tf.dispose(sums.filter((g): g is tf.Tensor => g != null));
    (loss as tf.Scalar | null)?.dispose();
  }
}
