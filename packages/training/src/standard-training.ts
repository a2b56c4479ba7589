import * as tf from '@tensorflow/tfjs';
import { crossEntropy, oneHotLabels } from './losses.ts';
import type { TrainingMethod } from './training-method.ts';

/** Standard (natural) training: mean cross-entropy on clean images. */
export function standardTraining(): TrainingMethod {
  return {
    name: 'standard',
    step(ctx, x, y) {
      const target = oneHotLabels(y, ctx.numClasses);
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
