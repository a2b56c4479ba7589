import * as tf from '@tensorflow/tfjs';
import type { AttackNorm } from './attack.ts';
import { AttackError } from './errors.ts';
import type { Model } from './model.ts';
import { clipBox, perSampleNorm, projectL2, projectLinf } from './projections.ts';
import { readScalars, readValues } from './read.ts';

/** Options of {@link finalizeResult}. */
export interface FinalizeOptions {
  /** Budget; when given with norm 'linf' or 'l2' the result is re-projected onto the ball first. */
  eps?: number;
  /** Target labels: success then means "classified as the target". */
  targets?: tf.Tensor1D;
  /** Model queries per sample to report. */
  queries?: number;
}

/** Absolute slack allowed on a norm budget for float32 rounding. */
export const NORM_TOLERANCE = 1e-5;

/** The finalised part of a result (`defineAttack` adds the flags). */
export interface FinalizedResult {
  xAdv: tf.Tensor4D;
  success: boolean[];
  norms: number[];
  queries?: number;
}

/**
 * Ends every attack the same way (called by `defineAttack`): re-projects `xAdv` onto the eps-ball (l-inf / l2) and
 * the [0, 1] box, checks the budget (throws if violated, which would be a bug), recomputes predictions on the
 * returned images and measures the per-sample norm. Takes ownership of `xAdv` (disposes it if it makes a new tensor).
 */
export async function finalizeResult(
  model: Model,
  x: tf.Tensor4D,
  xAdv: tf.Tensor4D,
  y: tf.Tensor1D,
  norm: AttackNorm,
  options: FinalizeOptions = {},
): Promise<FinalizedResult> {
  const { eps, targets } = options;
  if (!(xAdv instanceof tf.Tensor) || !tf.util.arraysEqual(xAdv.shape, x.shape)) {
    throw new AttackError(
      'broken-result',
      'xAdv',
      `the attack returned xAdv of shape [${xAdv?.shape}], expected [${x.shape}]`,
    );
  }
  let out: tf.Tensor4D;
  if (eps !== undefined && norm === 'linf') out = projectLinf(xAdv, x, eps);
  else if (eps !== undefined && norm === 'l2') out = projectL2(xAdv, x, eps);
  else out = clipBox(xAdv);
  xAdv.dispose();
  const [pred, normT, nan] = tf.tidy(() => {
    const delta = tf.sub(out, x);
    const measured = norm === 'none' ? 'l2' : norm;
    return [tf.argMax(model(out), 1), perSampleNorm(delta, measured), tf.sum(tf.cast(tf.isNaN(out), 'int32'))];
  });
  const [predictions, norms, [nanCount = 0], labels] = await Promise.all([
    readValues(pred),
    readValues(normT),
    readScalars([nan]),
    (targets ?? y).data(),
  ]);
  if (nanCount > 0) {
    out.dispose();
    throw new AttackError(
      'broken-result',
      'xAdv',
      `attack produced ${nanCount} NaN pixels (model gradients are probably non-finite)`,
    );
  }
  if (eps !== undefined && norm !== 'none') {
    const tol = norm === 'l0' ? 0 : NORM_TOLERANCE * Math.max(1, eps);
    const bad = norms.findIndex((v) => v > eps + tol);
    if (bad >= 0) {
      out.dispose();
      throw new AttackError(
        'broken-result',
        'xAdv',
        `attack result ${bad} violates the ${norm} budget: norm ${norms[bad]} > eps ${eps}`,
      );
    }
  }
  const success = predictions.map((p, i) => (targets === undefined ? p !== labels[i] : p === labels[i]));
  const result: FinalizedResult = { xAdv: out, success, norms };
  if (options.queries !== undefined) result.queries = options.queries;
  return result;
}
