import * as tf from '@tensorflow/tfjs';
import type { Model } from '../core/model.ts';

/**
 * A tiny deterministic LCG stream of values in [0, 1), independent of the package RNG: the one generator of the
 * attacks tests (seed 0 is taken as 1).
 */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Test helper: a linear classifier `logits = flatten(x) W + b` and its raw weights. */
export interface LinearModel {
  model: Model;
  weights: Float32Array;
  bias: Float32Array;
  dim: number;
  classes: number;
  /** Disposes the weight tensors. */
  dispose(): void;
}

/** Builds a linear model with weights drawn from a tiny deterministic LCG (independent of the package RNG). */
export function makeLinearModel(dim: number, classes: number, seed = 1, scale = 1): LinearModel {
  const next = lcg(seed);
  const rand = (): number => next() - 0.5;
  const weights = new Float32Array(dim * classes).map(() => rand() * 2 * scale);
  const bias = new Float32Array(classes).map(() => rand() * 0.2);
  const w = tf.tensor2d(weights, [dim, classes]);
  const b = tf.tensor1d(bias);
  const model: Model = (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), w), b) as tf.Tensor2D);
  return { model, weights, bias, dim, classes, dispose: () => tf.dispose([w, b]) };
}

/** Logits of the linear model computed in plain JS (float64) for one flat input. */
export function linearLogits(m: LinearModel, x: ArrayLike<number>): number[] {
  const out = Array.from(m.bias, Number);
  for (let i = 0; i < m.dim; i++) {
    const xi = x[i] ?? 0;
    for (let c = 0; c < m.classes; c++) out[c] = (out[c] ?? 0) + xi * (m.weights[i * m.classes + c] ?? 0);
  }
  return out;
}

/** Deterministic images in [lo, hi] from an LCG. */
export function makeImages(shape: [number, number, number, number], seed = 7, lo = 0.2, hi = 0.8): tf.Tensor4D {
  const next = lcg(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
  return tf.tensor4d(data, shape);
}
