import * as tf from '@tensorflow/tfjs';
import { checkNonNegative, checkPositive } from '../errors/checkers.ts';
import { crossEntropy, oneHotLabels } from './losses.ts';
import { withDisposal } from './standard-training.ts';
import { tradesAdversary, tradesLoss } from './trades.ts';
import { checkThreatModel, type ThreatModel, type TrainingMethod } from './training-method.ts';

/** Options of {@link hat}. */
export interface HatOptions extends ThreatModel {
  /** The helper (standard-trained) model as eval-mode logits. */
  helper: (x: tf.Tensor4D) => tf.Tensor2D;
  /** Helper step multiplier h: x_hr = x + h·(x' − x), not clipped to [0, 1]. Default 3.5 (`hat_loss` default). */
  h?: number;
  /** Weight β of the TRADES KL term. Default 2.5 (imrahulr/hat README, CIFAR-10 ResNet-18). */
  beta?: number;
  /** Weight γ of the helper cross-entropy. Default 0.5 (imrahulr/hat README, CIFAR-10 ResNet-18). */
  gamma?: number;
}

/**
 * Helper-based adversarial training (Rade & Moosavi-Dezfooli 2022, "Reducing excessive margin…", imrahulr/hat):
 * TRADES inner attack (eval mode), x_hr = x + h·(x' − x) (NOT clipped), y_hr = argmax helper(x'), loss
 * `CE(f(x), y) + β·KL(f(x) ‖ f(x')) + γ·CE(f(x_hr), y_hr)` in training mode.
 */
export function hat(options: HatOptions): TrainingMethod {
  checkThreatModel('hat', options);
  const h = options.h ?? 3.5;
  const beta = options.beta ?? 2.5;
  const gamma = options.gamma ?? 0.5;
  checkPositive('h', h);
  checkNonNegative('beta', beta);
  checkNonNegative('gamma', gamma);
  return {
    name: 'hat',
    step(ctx, x, y) {
      const target = oneHotLabels(y, ctx.numClasses);
      const adv = tradesAdversary(ctx.forward, x, options, ctx.seed);
      const xHelper = tf.tidy(() => tf.add(x, tf.mul(tf.sub(adv, x), h)) as tf.Tensor4D);
      const yHelper = tf.tidy(() => oneHotLabels(tf.argMax(options.helper(adv), 1) as tf.Tensor1D, ctx.numClasses));
      return withDisposal([target, adv, xHelper, yHelper], () =>
        ctx.update(() =>
          tf.tidy(() =>
            tf.add(
              tradesLoss(ctx.forward(x, true), ctx.forward(adv, true), target, beta),
              tf.mul(crossEntropy(ctx.forward(xHelper, true), yHelper), gamma),
            ),
          ),
        ),
      );
    },
  };
}
