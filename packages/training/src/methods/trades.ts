import * as tf from '@tensorflow/tfjs';
import { checkedIn, checkNonNegative } from '../errors/checkers.ts';
import { innerMaximize } from './inner-maximization.ts';
import { crossEntropy, klDivergencePerSample, oneHotLabels } from './losses.ts';
import { withDisposal } from './standard-training.ts';
import { checkThreatModel, type ThreatModel, type TrainingMethod } from './training-method.ts';

/**
 * The TRADES objective (Zhang et al. 2019, arXiv:1901.08573) on given logits:
 * `CE(z_nat, y) + β · mean_i KL(softmax z_nat ‖ softmax z_adv)`.
 */
export function tradesLoss(
  logitsNat: tf.Tensor2D,
  logitsAdv: tf.Tensor2D,
  target: tf.Tensor2D,
  beta: number,
): tf.Scalar {
  return tf.tidy(() => {
    const kl = tf.mean(klDivergencePerSample(tf.softmax(logitsNat), logitsAdv));
    return tf.add(crossEntropy(logitsNat, target), tf.mul(kl, beta)) as tf.Scalar;
  });
}

/** Options of {@link trades}. */
export interface TradesOptions extends ThreatModel {
  /** Weight β of the KL term (6 in the paper's CIFAR-10 setting). */
  beta: number;
}

/**
 * TRADES training: x' maximises Σ KL(softmax f(x) ‖ softmax f(x')) from x + 0.001·N(0, 1) (eval mode), then the
 * loss {@link tradesLoss} in training mode.
 */
export function trades(options: TradesOptions): TrainingMethod {
  checkThreatModel('trades', options);
  checkedIn('trades', () => checkNonNegative('beta', options.beta));
  return {
    name: 'trades',
    step(ctx, x, y) {
      const target = oneHotLabels(y, ctx.numClasses);
      const adv = tradesAdversary(ctx.forward, x, options, ctx.seed);
      return withDisposal([target, adv], () =>
        ctx.update(() => tradesLoss(ctx.forward(x, true), ctx.forward(adv, true), target, options.beta)),
      );
    },
  };
}

/** TRADES' inner maximisation (KL from the clean prediction, eval mode); also used by HAT. */
export function tradesAdversary(
  forward: (x: tf.Tensor4D, training: boolean) => tf.Tensor2D,
  x: tf.Tensor4D,
  threat: ThreatModel,
  seed: number,
): tf.Tensor4D {
  const pNat = tf.tidy(() => tf.softmax(forward(x, false)) as tf.Tensor2D);
  try {
    return innerMaximize(
      (xa) => forward(xa, false),
      x,
      (logits) => tf.tidy(() => tf.sum(klDivergencePerSample(pNat, logits))),
      { ...threat, init: 'normal', seed },
    );
  } finally {
    pNat.dispose();
  }
}
