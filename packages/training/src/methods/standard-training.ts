import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from './losses.ts';
import { stepTargets, type TrainingMethod } from './training-method.ts';

/**
 * Standard (natural) training: mean cross-entropy on clean images. With mixup (`ctx.softLabels`), the mean
 * cross-entropy of the mixed images against the soft labels, i.e. `λ·CE(f(x̃), y_a) + (1 − λ)·CE(f(x̃), y_b)`.
 */
export function standardTraining(): TrainingMethod {
  return {
    name: 'standard',
    acceptsSoftLabels: true,
    step(ctx, x, y) {
      const target = stepTargets(ctx, y);
      try {
        return ctx.update(() => crossEntropy(ctx.forward(x, true), target));
      } finally {
        target.dispose();
      }
    },
  };
}

/** Internal helper shared by the methods: disposes tensors after `fn`. */
export function withDisposal<T>(tensors: tf.Tensor[], fn: () => T): T {
  try {
    return fn();
  } finally {
    tf.dispose(tensors);
  }
}
