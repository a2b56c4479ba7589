import { type ConvGeometry, convOperator, lipschitzOnDevice } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';

/** Seed of the power iteration's random start. */
export const POWER_ITERATION_SEED = 20240601;

/** Power iterations from a random start, and from the previous refresh's vector (which is already close). */
const COLD_ITERATIONS = 50;
const WARM_ITERATIONS = 10;

/**
 * Keeps the warm-start vector of the power iteration between step-size refreshes of one layer (as SDNet keeps
 * `v_max`) and turns `L = ||A||^2` into `t = 0.9 / L`. Everything stays on the device (no read-back), so it runs in
 * a layer's synchronous `call` on every backend, WebGPU in Node included. Internal.
 */
export class StepSizeTracker {
  private vector: tf.Tensor4D | null = null;

  /**
   * `0.9 / L` for `filter` acting on one sample of `inputShape`, a scalar tensor computed without gradient: 50
   * power iterations from a seeded start (so identically seeded models get identical step sizes), 10 when
   * warm-started from the previous call's vector. Where `L` is not a positive finite number (an all-zero filter,
   * for which every step size gives the same codes, or NaN / Inf in the filter) it is `fallback`.
   */
  stepSize(
    filter: tf.Tensor4D,
    inputShape: readonly number[],
    geometry: ConvGeometry,
    fallback: tf.Scalar | number,
  ): tf.Scalar {
    const shape: [number, number, number, number] = [1, inputShape[1]!, inputShape[2]!, inputShape[3]!];
    return tf.tidy(() => {
      const op = convOperator(filter, shape, geometry); // no gradient reaches the estimate (tf.tidy, no tape use)
      const warm = this.vector?.shape.join() === shape.join() ? this.vector! : undefined;
      const estimate = lipschitzOnDevice(
        op,
        warm
          ? { init: warm, iterations: WARM_ITERATIONS }
          : { seed: POWER_ITERATION_SEED, iterations: COLD_ITERATIONS },
      );
      const usable = tf.logicalAnd(tf.greater(estimate.value, 0), tf.isFinite(estimate.value));
      // a zero or NaN filter leaves a useless vector: start the next refresh from the seeded random one instead
      const restart = warm ?? tf.randomNormal(shape, 0, 1, 'float32', POWER_ITERATION_SEED);
      const keepVector = tf.where(usable, estimate.vector, restart) as tf.Tensor4D;
      this.vector?.dispose();
      this.vector = tf.keep(keepVector);
      return tf.where(usable, tf.div(0.9, estimate.value), fallback) as tf.Scalar;
    });
  }

  /** A copy of the warm-start vector (the caller owns it), or null when the next refresh starts cold. */
  warmStart(): tf.Tensor4D | null {
    return this.vector ? tf.keep(this.vector.clone()) : null;
  }

  /** Replaces the warm-start vector by a copy of `vector`; null makes the next refresh start cold. */
  setWarmStart(vector: tf.Tensor4D | null): void {
    const copy = vector ? tf.keep(vector.clone()) : null;
    this.dispose();
    this.vector = copy;
  }

  /** Frees the warm-start vector. */
  dispose(): void {
    this.vector?.dispose();
    this.vector = null;
  }
}
