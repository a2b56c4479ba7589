import * as tf from '@tensorflow/tfjs';

/** Deterministic uniform values in [-0.5, 0.5) (an LCG), independent of the tfjs backend. */
export function lcg(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** A deterministic tensor of `shape` with values from {@link lcg}. */
export function randomTensor<R extends tf.Rank>(shape: number[], seed: number): tf.Tensor<R> {
  return tf.tensor(
    lcg(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  ) as unknown as tf.Tensor<R>;
}

/** `<a, b>` accumulated in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Central finite difference of the scalar `f` at coordinate `index` of `x` (a fresh tensor per evaluation),
 * evaluated with float32 tfjs ops.
 */
export function finiteDifference(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, index: number, h: number): number {
  const base = x.dataSync().slice() as Float32Array;
  const at = (delta: number) =>
    tf.tidy(() => {
      const v = base.slice();
      v[index] = v[index]! + delta;
      return f(tf.tensor(v, x.shape)).dataSync()[0]!;
    });
  return (at(h) - at(-h)) / (2 * h);
}

/** `||a - b|| / ||b||` (2-norms, float64), the relative error the kernel tests compare against tolerances. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}
