import * as tf from '@tensorflow/tfjs';
import type { ConvOperator } from './conv-operator.ts';

/** Options of {@link estimateLipschitz}. */
export interface PowerIterationOptions {
  /** Maximum iterations (default 50, as SDNet). */
  iterations?: number;
  /** Stop when the relative change of the estimate falls below this (default 1e-5). */
  tolerance?: number;
  /** Warm start: a previous {@link LipschitzEstimate.vector} of the operator's input shape. */
  init?: tf.Tensor4D;
  /** Seed of the random start when `init` is absent. */
  seed?: number;
}

/** Result of {@link estimateLipschitz}. Dispose `vector` when no longer needed. */
export interface LipschitzEstimate {
  /** Estimate of `L = ||A||^2 = lambda_max(A* A)`. */
  value: number;
  /** The unit-norm top right singular vector estimate, for a warm start. */
  vector: tf.Tensor4D;
  /** Iterations used. */
  iterations: number;
}

/**
 * Power iteration on `A* A` giving `L = ||A||_2^2`, the Lipschitz constant of the gradient of
 * `1/2 ||x - A* z||^2`; the ISTA / RISTA step size is `t = 0.9 / L`. No gradient is recorded.
 * The operator is applied to one sample only (batch 1 of the same geometry), since `||A||` does not depend on
 * the batch.
 *
 * @example
 * const op = convOperator(W, [1, 32, 32, 3]);
 * const { value: L } = estimateLipschitz(op);
 * const stepSize = 0.9 / L;
 */
export function estimateLipschitz(op: ConvOperator, options: PowerIterationOptions = {}): LipschitzEstimate {
  const iterations = options.iterations ?? 50;
  const tolerance = options.tolerance ?? 1e-5;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`iterations: expected a positive integer, got ${iterations}`);
  }
  const shape: [number, number, number, number] = [1, op.inputShape[1], op.inputShape[2], op.inputShape[3]];
  const single = op.inputShape[0] === 1 ? op : rebatch(op, shape);
  if (options.init && options.init.shape.join() !== shape.join()) {
    throw new Error(`init: expected shape [${shape.join(', ')}], got [${options.init.shape.join(', ')}]`);
  }
  let v = tf.tidy(() => {
    const start = options.init ?? tf.randomNormal(shape, 0, 1, 'float32', options.seed);
    return tf.div(start, tf.norm(start)) as tf.Tensor4D;
  });
  let value = 0;
  let used = 0;
  for (let i = 0; i < iterations; i++) {
    used = i + 1;
    const [next, norm] = tf.tidy(() => {
      const u = single.adjoint(single.forward(v));
      const n = tf.norm(u);
      return [tf.div(u, tf.maximum(n, 1e-30)) as tf.Tensor4D, n];
    });
    const estimate = norm.dataSync()[0]!;
    norm.dispose();
    v.dispose();
    v = next;
    if (!Number.isFinite(estimate))
      throw new Error('estimateLipschitz: the operator produced a non-finite value (NaN or Inf in the filter?)');
    const done = Math.abs(estimate - value) <= tolerance * Math.abs(estimate);
    value = estimate;
    if (done) break;
  }
  return { value, vector: v, iterations: used };
}

function rebatch(op: ConvOperator, shape: [number, number, number, number]): ConvOperator {
  const outputShape: [number, number, number, number] = [1, op.outputShape[1], op.outputShape[2], op.outputShape[3]];
  return {
    ...op,
    inputShape: shape,
    outputShape,
    forward: (x) => tf.conv2d(x, op.filter, op.strides, op.pad),
    adjoint: (z) => tf.conv2dTranspose(z, op.filter, shape, op.strides, op.pad),
  };
}
