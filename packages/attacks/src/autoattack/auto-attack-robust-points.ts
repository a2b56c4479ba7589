import * as tf from '@tensorflow/tfjs';
import { predictLabels } from '../core/gradient.ts';
import type { Model } from '../core/model.ts';
import { indicesWhere, replaceRows, takeRows } from './auto-attack-rows.ts';

/**
 * The running state of an AutoAttack-style evaluation: the current adversarial batch (clean images where no attack
 * has succeeded yet) and which points are still robust (correctly classified, not yet fooled).
 */
export interface RobustPoints {
  /** Current adversarial images (owned by the state; replaced, never mutated). */
  adv: tf.Tensor4D;
  /** Per sample: still correctly classified. Starts from clean correctness and only turns false. */
  robust: boolean[];
}

/** Starts a {@link RobustPoints} state: `adv` = a copy of `x`, `robust` = clean predictions equal `y`. */
export async function startRobustPoints(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<RobustPoints> {
  const pred = await predictLabels(model, x);
  const labels = Array.from(await y.data());
  return { adv: tf.clone(x), robust: pred.map((p, i) => p === labels[i]) };
}

/** What a sub-attack returns for the still-robust subset it was given. */
export interface SubsetOutcome {
  /** Adversarial images for the subset (disposed by {@link attackStillRobust}). */
  xAdv: tf.Tensor4D;
  /** Per subset sample: the attack succeeded on it (misclassified, within the budget). */
  success: boolean[];
}

/**
 * Runs `attackSubset` on the still-robust points only (always starting from the clean images), writes the fooled
 * ones into `state.adv` and marks them non-robust: the per-point worst case over every attack run so far. Returns
 * the number of points attacked.
 */
export async function attackStillRobust(
  state: RobustPoints,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  attackSubset: (xs: tf.Tensor4D, ys: tf.Tensor1D, indices: number[]) => Promise<SubsetOutcome> | SubsetOutcome,
): Promise<number> {
  const indices = indicesWhere(state.robust);
  if (indices.length === 0) return 0;
  const xs = takeRows(x, indices);
  const ys = takeRows(y, indices);
  try {
    const out = await attackSubset(xs, ys, indices);
    try {
      const fooledRows = out.success.flatMap((f, k) => (f ? [k] : []));
      if (fooledRows.length > 0) {
        const rows = takeRows(out.xAdv, fooledRows);
        const next = await replaceRows(
          state.adv,
          fooledRows.map((k) => indices[k] as number),
          rows,
        );
        rows.dispose();
        state.adv.dispose();
        state.adv = next;
        for (const k of fooledRows) state.robust[indices[k] as number] = false;
      }
    } finally {
      out.xAdv.dispose();
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  return indices.length;
}
