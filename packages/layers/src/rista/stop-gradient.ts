import * as tf from '@tensorflow/tfjs';

const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
});

/**
 * Identity in the forward pass, zero gradient in the backward pass (tfjs has no `stopGradient`). Internal.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
