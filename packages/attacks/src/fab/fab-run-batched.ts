import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';
import type { Rng } from '../core/rng.ts';
import { projectHyperplaneBoxBatched } from './fab-projections-batched.ts';
import { diffAndGrad, type FabNorm, type FabRunResult, type FabSettings, randomStartRows } from './fab-step-parts.ts';

/** Per-row norm of a [rows, d] matrix. */
function rowNorms(v: tf.Tensor2D, norm: FabNorm): tf.Tensor1D {
  if (norm === 'linf') return tf.max(tf.abs(v), 1) as tf.Tensor1D;
  if (norm === 'l2') return tf.sqrt(tf.sum(tf.square(v), 1)) as tf.Tensor1D;
  return tf.sum(tf.abs(v), 1) as tf.Tensor1D;
}

/** The state FAB-T carries from one iteration to the next (all [n, d] or [n] tensors). */
interface FabState {
  x1: tf.Tensor2D;
  adv: tf.Tensor2D;
  best: tf.Tensor1D;
}

/**
 * One FAB-T iteration on the whole batch in tensor ops (no reads): linearise at x1, project x1 and x0 onto the
 * linearised boundary within the box, take the biased step, check the prediction there, keep the smallest-norm
 * adversarial point, and step back towards x0 where the step succeeded. Two model calls: one forward+backward, one
 * forward (as the reference).
 */
function fabStep(
  model: Model,
  x0: tf.Tensor2D,
  y: tf.Tensor1D,
  target: tf.Tensor1D,
  shape: [number, number, number, number],
  settings: FabSettings,
  state: FabState,
): FabState {
  const { norm, alphaMax, eta, beta } = settings;
  return tf.tidy(() => {
    const n = shape[0];
    const { x1, adv, best } = state;
    const { df, dg } = diffAndGrad(model, tf.reshape(x1, shape) as tf.Tensor4D, y, target);
    const w = tf.reshape(dg, [n, -1]) as tf.Tensor2D;
    const b = tf.sub(tf.sum(tf.mul(w, x1), 1), df) as tf.Tensor1D;
    // x1 and x0 projected in one call, as the reference does
    const both = projectHyperplaneBoxBatched(
      tf.concat([x1, x0], 0) as tf.Tensor2D,
      tf.concat([w, w], 0) as tf.Tensor2D,
      tf.concat([b, b], 0) as tf.Tensor1D,
      norm,
    );
    const [d1, d2] = tf.split(both, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    const sizes = tf.maximum(rowNorms(both, norm), 1e-8);
    const [a1, a2] = tf.split(sizes, 2, 0) as [tf.Tensor1D, tf.Tensor1D];
    const alpha = tf.expandDims(tf.clipByValue(tf.div(a1, tf.add(a1, a2)), 0, alphaMax), 1);
    const stepped = tf.clipByValue(
      tf.add(tf.mul(tf.add(x1, tf.mul(d1, eta)), tf.sub(1, alpha)), tf.mul(tf.add(x0, tf.mul(d2, eta)), alpha)),
      0,
      1,
    ) as tf.Tensor2D;
    const pred = tf.argMax(model(tf.reshape(stepped, shape) as tf.Tensor4D), 1);
    const isAdv = tf.notEqual(tf.cast(pred, 'int32'), tf.cast(y, 'int32'));
    const dist = rowNorms(tf.sub(stepped, x0) as tf.Tensor2D, norm);
    const improved = tf.logicalAnd(isAdv, tf.less(dist, best));
    const backed = tf.add(x0, tf.mul(tf.sub(stepped, x0), beta));
    return {
      x1: tf.where(tf.expandDims(isAdv, 1), backed, stepped) as tf.Tensor2D,
      adv: tf.where(tf.expandDims(improved, 1), stepped, adv) as tf.Tensor2D,
      best: tf.where(improved, dist, best) as tf.Tensor1D,
    };
  });
}

/**
 * One FAB-T run (AutoAttack `fab_base.py: attack_single_run`, targeted) on points that are all correctly classified,
 * every step in batched tensor ops: reads back once, at the end. The choice for GPU backends, where a read stalls
 * the pipeline; on CPU backends `fabRunPerSample` is faster (the ~90 small kernels of the batched projection cost
 * more than a tight float64 loop there).
 */
export async function fabRunBatched(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  target: tf.Tensor1D,
  settings: FabSettings,
  start: Rng | undefined,
): Promise<FabRunResult> {
  const shape = [...x.shape] as [number, number, number, number];
  const n = x.shape[0];
  const x0 = tf.reshape(x, [n, -1]) as tf.Tensor2D;
  const x1 =
    start === undefined
      ? tf.clone(x0)
      : tf.tensor2d(
          randomStartRows(Float32Array.from(await x0.data()), n, settings.norm, start, settings.eps),
          x0.shape,
        );
  let state: FabState = {
    x1,
    adv: tf.clone(x0),
    best: tf.fill([n], Number.POSITIVE_INFINITY) as tf.Tensor1D,
  };
  try {
    for (let it = 0; it < settings.steps; it++) {
      const next = fabStep(model, x0, y, target, shape, settings, state);
      tf.dispose([state.x1, state.adv, state.best]);
      state = next;
    }
    const best = Array.from(await state.best.data(), Number);
    return { adv: tf.reshape(state.adv, shape) as tf.Tensor4D, best };
  } finally {
    tf.dispose([x0, state.x1, state.adv, state.best]);
  }
}
