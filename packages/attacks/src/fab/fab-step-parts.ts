import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';
import type { Rng } from '../core/rng.ts';

/** Norms FAB-T minimises. */
export type FabNorm = 'linf' | 'l2' | 'l1';

/** The settings one FAB-T run needs. */
export interface FabSettings {
  norm: FabNorm;
  eps: number;
  steps: number;
  alphaMax: number;
  eta: number;
  beta: number;
}

/** What one FAB-T run returns: the smallest-norm adversarial point per sample (clean if none) and its norm. */
export interface FabRunResult {
  /** Caller owns it. */
  adv: tf.Tensor4D;
  /** Per sample, Infinity where no adversarial point was found. */
  best: number[];
}

/** Norm of `v[from .. from + size)`, in float64. */
export function rowNorm(v: ArrayLike<number>, from: number, size: number, norm: FabNorm): number {
  let acc = 0;
  for (let i = from; i < from + size; i++) {
    const a = Math.abs(v[i] ?? 0);
    if (norm === 'linf') acc = Math.max(acc, a);
    else acc += norm === 'l2' ? a * a : a;
  }
  return norm === 'l2' ? Math.sqrt(acc) : acc;
}

/**
 * z_t - z_y per sample and its input gradient (the linearisation FAB-T projects on): one forward+backward pass.
 * Tensors are tracked by the caller's tidy scope as usual.
 */
export function diffAndGrad(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  t: tf.Tensor1D,
): { df: tf.Tensor1D; dg: tf.Tensor4D } {
  let kept: tf.Tensor1D | undefined;
  const dg = tf.grad((input: tf.Tensor) => {
    const logits = model(input as tf.Tensor4D);
    const classes = logits.shape[1] ?? 0;
    const hot = tf.sub(tf.oneHot(tf.cast(t, 'int32'), classes), tf.oneHot(tf.cast(y, 'int32'), classes));
    const diff = tf.sum(tf.mul(logits, hot), 1) as tf.Tensor1D;
    kept = tf.keep(diff);
    return tf.sum(diff);
  })(x) as tf.Tensor4D;
  if (kept === undefined) throw new Error('fabTargeted: gradient computation failed');
  // The kept tensor escapes every tidy scope: hand back a tracked clone.
  const df = tf.clone(kept);
  kept.dispose();
  return { df, dg };
}

/**
 * The random start of restarts after the first (reference: radius min(eps, best) / 2 with best = infinity at the
 * start): x0 + (eps / 2) u / ||u|| per sample, u uniform in [-1, 1]^d (l-inf) or normal, clipped to the box. Flat
 * [n, d] in and out.
 */
export function randomStartRows(x0: Float32Array, n: number, norm: FabNorm, rng: Rng, eps: number): Float32Array {
  const size = x0.length / n;
  const out = new Float32Array(x0.length);
  for (let s = 0; s < n; s++) {
    const row = Array.from({ length: size }, () => (norm === 'linf' ? rng.uniform(-1, 1) : rng.normal()));
    const scale = eps / 2 / Math.max(rowNorm(row, 0, size, norm), 1e-12);
    for (let i = 0; i < size; i++) {
      out[s * size + i] = Math.min(1, Math.max(0, (x0[s * size + i] ?? 0) + scale * (row[i] ?? 0)));
    }
  }
  return out;
}
