import * as tf from '@tensorflow/tfjs';
import { innerMaximize } from './inner-maximization.ts';
import { crossEntropy, oneHotLabels } from './losses.ts';
import { withDisposal } from './standard-training.ts';
import { checkThreatModel, type ThreatModel, type TrainingMethod } from './training-method.ts';

/**
 * PGD adversarial training (Madry et al. 2018, arXiv:1706.06083): x' = PGD-k on CE with a uniform random start,
 * generated in eval mode; the model is trained on x' only (mean CE in training mode).
 * @example pgdAT({ epsilon: 8 / 255, stepSize: 2 / 255, steps: 7 })
 */
export function pgdAT(threat: ThreatModel): TrainingMethod {
  checkThreatModel('pgdAT', threat);
  return {
    name: 'pgd-at',
    step(ctx, x, y) {
      const target = oneHotLabels(y, ctx.numClasses);
      const adv = innerMaximize(
        (xa) => ctx.forward(xa, false),
        x,
        (logits) => tf.tidy(() => tf.sum(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)))),
        { ...threat, init: 'uniform', seed: ctx.seed },
      );
      return withDisposal([target, adv], () => ctx.update(() => crossEntropy(ctx.forward(adv, true), target)));
    },
  };
}
