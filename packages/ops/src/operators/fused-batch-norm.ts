import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';

/**
 * True when the current backend has the fused training-mode BatchNorm kernels (the wasm backend with the native
 * addon of `@edl/ops` loaded by {@link setupBackend}). Otherwise compose it from `tf.moments` and
 * `tf.batchNorm`, which compute the same values and gradients.
 */
export function fusedBatchNormAvailable(): boolean {
  return !!tf.getKernel('EdlBatchNormTrain', tf.getBackend());
}

/** The batch-normalised tensor and the batch statistics it used. */
export interface BatchNormTraining<T extends tf.Tensor> {
  /** `(x - mean) scale / sqrt(variance + epsilon) + offset`. */
  y: T;
  /** Per-channel batch mean, `[C]`. */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance (divided by the count, as `tf.moments`), `[C]`. */
  variance: tf.Tensor1D;
}

let gradientRegistered = false;

/** The gradient of `EdlBatchNormTrain`: one `EdlBatchNormTrainGrad` kernel gives dx, dscale and doffset. */
function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: 'EdlBatchNormTrain',
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dmean, dvar] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved as tf.Tensor[];
      const [dx, dscale, doffset] = tf
        .engine()
        .runKernel(
          'EdlBatchNormTrainGrad',
          { dy: dy!, x: x!, scale: scale!, mean: mean!, variance: variance!, dmean: dmean!, dvar: dvar! },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      return { x: () => dx!, scale: () => dscale!, offset: () => doffset! };
    },
  });
}

/**
 * BatchNorm in training mode over the last axis, in one fused kernel per direction: the batch mean and biased
 * variance over all other axes, `y = (x - mean) scale / sqrt(variance + epsilon) + offset`, and gradients w.r.t.
 * `x`, `scale` and `offset` (through the statistics too, as `tf.moments` + `tf.batchNorm` give them; the returned
 * `mean` / `variance` are differentiable as well). Needs {@link fusedBatchNormAvailable}; throws otherwise.
 *
 * @example
 * const { y, mean, variance } = batchNormTraining(x, gamma, beta, 1e-5);
 */
export function batchNormTraining<T extends tf.Tensor>(
  x: T,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  epsilon: number,
): BatchNormTraining<T> {
  if (!fusedBatchNormAvailable()) {
    throw new OpsError(
      'unsupported',
      'backend',
      `batchNormTraining: the fused BatchNorm kernels are not registered for backend '${tf.getBackend()}' (they need the wasm backend with the native addon, see setupBackend); check fusedBatchNormAvailable() first`,
    );
  }
  if (x.dtype !== 'float32' || x.rank < 1 || x.size === 0)
    throw new OpsError(
      'invalid-input',
      'x',
      `batchNormTraining: 'x' must be a non-empty float32 tensor, got ${x.dtype} [${x.shape}]`,
    );
  const channels = x.shape.at(-1)!;
  for (const [name, t] of [
    ['scale', scale],
    ['offset', offset],
  ] as const) {
    if (t.dtype !== 'float32' || t.rank !== 1 || t.shape[0] !== channels)
      throw new OpsError(
        'invalid-input',
        name,
        `batchNormTraining: '${name}' must be float32 [${channels}] (the last axis of x), got ${t.dtype} [${t.shape}]`,
      );
  }
  if (!(epsilon >= 0 && Number.isFinite(epsilon)))
    throw new OpsError(
      'invalid-option',
      'epsilon',
      `batchNormTraining: 'epsilon' must be a finite number >= 0, got ${epsilon}`,
    );
  registerGradient();
  const [y, mean, variance] = tf.engine().runKernel('EdlBatchNormTrain', { x, scale, offset }, {
    epsilon,
  } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { y: y as T, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}
