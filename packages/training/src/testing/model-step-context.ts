import * as tf from '@tensorflow/tfjs';
import type { Sgd } from '../loop/sgd.ts';
import { logitsOf } from '../loop/trainer.ts';
import type { StepContext } from '../methods/training-method.ts';

/**
 * A training-method step context on a layers model (3 classes, seed 7) whose updates are plain `sgd` steps at lr 0.05,
 * optionally carrying mixup soft labels. Shared by the method tests.
 */
export function modelStepContext(model: tf.LayersModel, sgd: Sgd, softLabels?: tf.Tensor2D): StepContext {
  const vars = () => model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    forward: (xb, training) => logitsOf(model, xb, training),
    numClasses: 3,
    variables: vars(),
    stateVariables: model.weights.map((w) => w.read() as tf.Variable),
    seed: 7,
    ...(softLabels ? { softLabels } : {}),
    update: (lossFn) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars());
        sgd.apply(
          vars(),
          vars().map((v) => grads[v.name] ?? null),
          0.05,
        );
        return value.dataSync()[0]!;
      }),
  };
}
