import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../errors/checkers.ts';
import { OpsError } from '../errors/ops-error.ts';
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

/** Result of {@link lipschitzOnDevice}: tensors only, nothing read back. Dispose both when no longer needed. */
export interface LipschitzTensors {
  /** Estimate of `L = ||A||^2`, a scalar on the backend's device. NaN when the operator holds NaN or Inf. */
  value: tf.Scalar;
  /** The unit-norm top right singular vector estimate, for a warm start. */
  vector: tf.Tensor4D;
}

/**
 * Power iteration on `A* A` giving `L = ||A||_2^2`, the Lipschitz constant of the gradient of
 * `1/2 ||x - A* z||^2`; the ISTA step size is `t = 0.9 / L` (RISTA's, for `beta < 1`, is smaller: see
 * `elasticStepSize` in `@edl/layers`). No gradient is recorded.
 * The operator is applied to one sample only (batch 1 of the same geometry), since `||A||` does not depend on
 * the batch. Asynchronous: each iteration reads the estimate back with `await data()` to stop early, which works on
 * every backend (a synchronous read throws on WebGPU in Node). Synchronous code uses {@link lipschitzOnDevice}.
 *
 * @example
 * const op = convOperator(W, [1, 32, 32, 3]);
 * const { value: L, vector } = await estimateLipschitz(op);
 * vector.dispose();
 * const stepSize = 0.9 / L;
 */
export async function estimateLipschitz(
  op: ConvOperator,
  options: PowerIterationOptions = {},
): Promise<LipschitzEstimate> {
  const iterations = checkPositiveInt('iterations', options.iterations ?? 50);
  const tolerance = options.tolerance ?? 1e-5;
  const { single, start } = prepare(op, options);
  let v = start;
  let value = 0;
  let used = 0;
  for (let i = 0; i < iterations; i++) {
    used = i + 1;
    const [next, norm] = tf.tidy(() => step(single, v));
    const estimate = (await norm.data())[0]!;
    norm.dispose();
    v.dispose();
    v = next;
    if (!Number.isFinite(estimate)) {
      v.dispose();
      throw new OpsError(
        'invalid-input',
        'filter',
        'estimateLipschitz: the operator produced a non-finite value (NaN or Inf in the filter?)',
      );
    }
    const done = Math.abs(estimate - value) <= tolerance * Math.abs(estimate);
    value = estimate;
    if (done) break;
  }
  return { value, vector: v, iterations: used };
}

/**
 * {@link estimateLipschitz} without any read-back, for synchronous code (a layer's `call`) and for backends that
 * cannot read synchronously (WebGPU in Node): exactly `iterations` steps (default 50; `tolerance` does not apply),
 * the estimate stays on the device. No gradient is recorded. A NaN / Inf filter gives a NaN `value`; check it with
 * `await value.data()` where that matters.
 *
 * @example
 * const t = tf.tidy(() => tf.div(0.9, lipschitzOnDevice(op).value)); // step size, never read back
 */
export function lipschitzOnDevice(
  op: ConvOperator,
  options: Omit<PowerIterationOptions, 'tolerance'> = {},
): LipschitzTensors {
  const iterations = checkPositiveInt('iterations', options.iterations ?? 50);
  const { single, start } = prepare(op, options);
  let v = start;
  let value: tf.Scalar | null = null;
  for (let i = 0; i < iterations; i++) {
    const [next, norm] = tf.tidy(() => step(single, v));
    v.dispose();
    value?.dispose();
    v = next;
    value = norm;
  }
  return { value: value!, vector: v };
}

/** The batch-1 operator and the unit-norm start vector (kept: the caller disposes it). */
function prepare(op: ConvOperator, options: { init?: tf.Tensor4D; seed?: number }) {
  const shape: [number, number, number, number] = [1, op.inputShape[1], op.inputShape[2], op.inputShape[3]];
  const single = op.inputShape[0] === 1 ? op : rebatch(op, shape);
  if (options.init && options.init.shape.join() !== shape.join()) {
    throw new OpsError(
      'invalid-option',
      'init',
      `init: expected shape [${shape.join(', ')}], got [${options.init.shape.join(', ')}]`,
    );
  }
  const start = tf.tidy(() => {
    const s = options.init ?? tf.randomNormal(shape, 0, 1, 'float32', options.seed);
    return tf.div(s, tf.norm(s)) as tf.Tensor4D;
  });
  return { single, start };
}

/** One power step: `u = A* A v`, returns `[u / ||u||, ||u||]`. Call inside `tf.tidy`. */
function step(op: ConvOperator, v: tf.Tensor4D): [tf.Tensor4D, tf.Scalar] {
  const u = op.adjoint(op.forward(v));
  const n = tf.norm(u) as tf.Scalar;
  return [tf.div(u, tf.maximum(n, 1e-30)) as tf.Tensor4D, n];
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
