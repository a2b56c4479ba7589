import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../core/errors.ts';
import type { Model } from '../core/model.ts';
import { createRng, type Rng } from '../core/rng.ts';

/** A random, differentiable input transformation for {@link eot}; draw randomness only from `rng`. */
export type RandomTransform = (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/**
 * Expectation over transformation (Athalye et al. 2018): a model whose logits are the mean of `model(transform(x))`
 * over `n` random draws, so its gradient is the mean gradient. Use it to attack randomised defences, or pass the
 * randomised model itself with the identity transform to average its own randomness. The draws come from a
 * generator seeded with `seed`: the same sequence of calls gives the same outputs.
 */
export function eot(model: Model, transform: RandomTransform, n: number, seed = 0): Model {
  checkPositiveInt('n', n);
  const rng = createRng(seed);
  return (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      let sum: tf.Tensor2D | undefined;
      for (let i = 0; i < n; i++) {
        const z = model(transform(x, rng));
        sum = sum === undefined ? z : (tf.add(sum, z) as tf.Tensor2D);
      }
      return tf.div(sum as tf.Tensor2D, n) as tf.Tensor2D;
    });
}
