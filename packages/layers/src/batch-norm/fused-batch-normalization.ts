import { batchNormTraining, fusedBatchNormAvailable } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';

/** The options of `tf.layers.batchNormalization`. */
export type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

/** The fields of tfjs-layers' BatchNormalization the fused training path reads (private in its typings). */
interface BatchNormState {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type Kwargs = Record<string, unknown>;
type LayerClass = new (args?: BatchNormalizationArgs) => tf.layers.Layer;

let fusedClass: LayerClass | undefined;

/**
 * tfjs-layers' `BatchNormalization` with a fused training step: on a backend with the fused BatchNorm kernels of
 * `@edl/ops` (wasm with the native addon; `fusedBatchNormAvailable()`), a training call computes the batch
 * statistics, the normalisation and, in the backward pass, dx, dgamma and dbeta in one kernel per direction
 * instead of tfjs' `moments` + `batchNorm` composite (a dozen elementwise kernels and broadcasts). Inference, other
 * backends, a non-last `axis`, `center` / `scale` false and non-float32 inputs run tfjs' own code. Same values,
 * gradients and moving-average updates (tfjs' rule: `moving -= (moving - batch) (1 - momentum)`, biased variance),
 * same weights and config: it serialises as `BatchNormalization`, so tfjs' loader gives back tfjs' layer ({@link
 * fuseBatchNormalization} restores the fused step; `@edl/models`' `loadModel` and `toElastic` call it).
 */
function fusedBatchNormalizationClass(): LayerClass {
  if (fusedClass) return fusedClass;
  // tfjs exports the factory, not the class: take the class from an instance (once, at the first layer built)
  const Base = tf.layers.batchNormalization({ name: 'edl_fused_batch_norm_probe' }).constructor as LayerClass;
  class FusedBatchNormalization extends Base {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      const s = this as unknown as BatchNormState;
      const lastAxis = s.axis === -1 || s.axis === input.rank - 1;
      if (
        kwargs.training !== true ||
        !s.gamma ||
        !s.beta ||
        !lastAxis ||
        input.dtype !== 'float32' ||
        !fusedBatchNormAvailable()
      ) {
        return super.call(inputs, kwargs);
      }
      return tf.tidy(() => {
        const { y, mean, variance } = batchNormTraining(
          input,
          s.gamma!.read() as tf.Tensor1D,
          s.beta!.read() as tf.Tensor1D,
          s.epsilon,
        );
        for (const [moving, batch] of [
          [s.movingMean, mean],
          [s.movingVariance, variance],
        ] as const) {
          tf.tidy(() => {
            const old = moving.read();
            moving.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - s.momentum)));
          });
        }
        return y;
      });
    }
  }
  fusedClass = FusedBatchNormalization;
  return fusedClass;
}

/**
 * A BatchNormalization layer (the options of `tf.layers.batchNormalization`) whose training step runs the fused
 * BatchNorm kernels of `@edl/ops` where the backend has them: the statistics, normalisation and gradients in one
 * pass each instead of tfjs' composite. Elsewhere, and in inference, it is tfjs' layer. It serialises as
 * `BatchNormalization` (tfjs' loader gives back tfjs' own layer, with the same values; see {@link fuseBatchNormalization}).
 *
 * @example
 * const bn = fusedBatchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 });
 */
export function fusedBatchNormalization(args: BatchNormalizationArgs = {}): tf.layers.Layer {
  return new (fusedBatchNormalizationClass())(args);
}

/**
 * Gives every `BatchNormalization` layer of `model` the fused training step of {@link fusedBatchNormalization}, in
 * place, and returns how many it changed. A saved model loads its BatchNorm layers as tfjs' own class (that is how
 * they serialise); `@edl/models`' `loadModel` and `toElastic` call this so that a loaded or converted model trains
 * with the same kernels, and so the same float rounding, as the model it came from (a resumed run stays bit-exact).
 * Only the class changes: weights, config and inference are untouched.
 *
 * @example
 * const model = await tf.loadLayersModel('file://./saved/model.json');
 * fuseBatchNormalization(model); // its training steps now use the fused BatchNorm kernels
 */
export function fuseBatchNormalization(model: tf.LayersModel): number {
  const Fused = fusedBatchNormalizationClass();
  const Base = Object.getPrototypeOf(Fused.prototype) as object;
  let changed = 0;
  for (const layer of model.layers) {
    if (Object.getPrototypeOf(layer) === Base) {
      Object.setPrototypeOf(layer, Fused.prototype);
      changed++;
    }
  }
  return changed;
}
