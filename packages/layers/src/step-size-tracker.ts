import { type ConvGeometry, convOperator, estimateLipschitz } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';

/**
 * Keeps the warm-start vector of the power iteration between step-size refreshes of one layer (as SDNet keeps
 * `v_max`) and turns `L = ||A||^2` into `t = 0.9 / L`. Internal.
 */
/** Seed of the power iteration's random start. */
export const POWER_ITERATION_SEED = 20240601;

export class StepSizeTracker {
  private vector: tf.Tensor4D | null = null;

  /**
   * `0.9 / L` for `filter` acting on one sample of `inputShape`, computed without gradient; `null` for an all-zero
   * filter. Throws on a non-finite estimate.
   */
  stepSize(filter: tf.Tensor4D, inputShape: readonly number[], geometry: ConvGeometry, owner: string): number | null {
    const shape = [1, inputShape[1]!, inputShape[2]!, inputShape[3]!];
    const value = tf.tidy(() => {
      const op = convOperator(filter, shape, geometry); // the estimate is a number: no gradient reaches it
      const init = this.vector?.shape.join() === shape.join() ? this.vector! : undefined;
      // seeded start so that identically seeded models get identical step sizes (reproducible runs, exact resume)
      const estimate = estimateLipschitz(op, init ? { init } : { seed: POWER_ITERATION_SEED });
      if (estimate.value === 0) {
        estimate.vector.dispose();
        return 0;
      }
      if (!(estimate.value > 0) || !Number.isFinite(estimate.value)) {
        throw new Error(`${owner}: power iteration gave ||A||^2 = ${estimate.value} (NaN or Inf in the kernel?)`);
      }
      this.vector?.dispose();
      this.vector = tf.keep(estimate.vector);
      return estimate.value;
    });
    return value === 0 ? null : 0.9 / value;
  }

  /** Frees the warm-start vector. */
  dispose(): void {
    this.vector?.dispose();
    this.vector = null;
  }
}
