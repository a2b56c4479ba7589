import * as tf from '@tensorflow/tfjs';
import { AttackError } from '../core/errors.ts';

/**
 * Backward-pass differentiable approximation (Athalye et al. 2018): a function whose forward value is exactly
 * `forward(x)` (which may be non-differentiable: quantisation, an iterative solver, a thresholding step) and whose
 * gradient is that of the differentiable `surrogate` at the same input. With `surrogate = (x) => x` this is the
 * straight-through estimator. Both outputs must have the same shape. Costs one extra surrogate forward pass.
 *
 * How: `forward` runs inside a `tf.customGrad` (so it is never taped and needs no gradients of its own) that takes
 * the surrogate's output as a second input and hands the upstream gradient to it.
 */
export function bpda<I extends tf.Tensor, O extends tf.Tensor>(
  forward: (x: I) => O,
  surrogate: (x: I) => O,
): (x: I) => O {
  const route = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as I;
    const s = args[1] as tf.Tensor;
    const value = forward(x);
    if (!tf.util.arraysEqual(value.shape, s.shape)) {
      throw new AttackError(
        'invalid-option',
        'surrogate',
        `bpda: surrogate output shape [${s.shape}] differs from forward output shape [${value.shape}]`,
      );
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.zerosLike(x), tf.clone(dy as tf.Tensor)],
    };
  });
  return (x: I) => route(x, surrogate(x)) as O;
}
