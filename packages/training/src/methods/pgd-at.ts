import * as tf from '@tensorflow/tfjs';
import { innerMaximize } from './inner-maximization.ts';
import { crossEntropy } from './losses.ts';
import { withDisposal } from './standard-training.ts';
import { checkThreatModel, stepTargets, type ThreatModel, type TrainingMethod } from './training-method.ts';

/**
 * PGD adversarial training (Madry et al. 2018, arXiv:1706.06083): x' = PGD-k on CE with a uniform random start,
 * generated in eval mode; the model is trained on x' only (mean CE in training mode). With mixup
 * (`ctx.softLabels`; Rice et al. 2020's mixup baseline) x is the mixed batch, PGD maximises the CE against the soft
 * labels within the ε-ball around it, and the update uses the same soft-label (mixed) CE on x'.
 * @example pgdAT({ eps: 8 / 255, stepSize: 2 / 255, steps: 7 })
 */
export function pgdAT(threat: ThreatModel): TrainingMethod {
  checkThreatModel('pgdAT', threat);
  return {
    name: 'pgd-at',
    acceptsSoftLabels: true,
    step(ctx, x, y) {
      const target = stepTargets(ctx, y);
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
