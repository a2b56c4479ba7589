import * as tf from '@tensorflow/tfjs';
import { checkedIn, checkNonNegative } from '../errors/checkers.ts';
import { innerMaximize } from './inner-maximization.ts';
import { crossEntropyPerSample, klDivergencePerSample, oneHotLabels } from './losses.ts';
import { withDisposal } from './standard-training.ts';
import { checkThreatModel, type ThreatModel, type TrainingMethod } from './training-method.ts';

/**
 * The MART objective (Wang et al. 2020, ICLR, YisenWang/MART `mart.py`) on given logits:
 * `BCE = CE(z_adv, y) − log(1.0001 − p_adv[y'])` with y' the most likely wrong class of p_adv, plus
 * `β · mean_i KL(p_nat ‖ p_adv)_i · (1.0000001 − p_nat[y]_i)`.
 */
export function martLoss(logitsNat: tf.Tensor2D, logitsAdv: tf.Tensor2D, target: tf.Tensor2D, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const pAdv = tf.softmax(logitsAdv);
    const pNat = tf.softmax(logitsNat);
    // most likely wrong class: a one-hot mask computed from values (argMax has a zero gradient)
    const wrong = tf.oneHot(tf.argMax(tf.sub(pAdv, tf.mul(target, 2)), 1), target.shape[1]);
    const pWrong = tf.sum(tf.mul(pAdv, tf.cast(wrong, 'float32')), 1);
    const bce = tf.add(crossEntropyPerSample(logitsAdv, target), tf.neg(tf.log(tf.add(tf.sub(1.0001, pWrong), 1e-12))));
    const pTrue = tf.sum(tf.mul(pNat, target), 1);
    const kl = klDivergencePerSample(pNat, logitsAdv);
    const robust = tf.mean(tf.mul(kl, tf.sub(1.0000001, pTrue)));
    return tf.add(tf.mean(bce), tf.mul(robust, beta)) as tf.Scalar;
  });
}

/** Options of {@link mart}. */
export interface MartOptions extends ThreatModel {
  /** Weight β of the KL term (6 in the MART paper). */
  beta: number;
}

/** MART training: CE inner attack from x + 0.001·N(0, 1) (eval mode), then {@link martLoss} in training mode. */
export function mart(options: MartOptions): TrainingMethod {
  checkThreatModel('mart', options);
  checkedIn('mart', () => checkNonNegative('beta', options.beta));
  return {
    name: 'mart',
    step(ctx, x, y) {
      const target = oneHotLabels(y, ctx.numClasses);
      const adv = innerMaximize(
        (xa) => ctx.forward(xa, false),
        x,
        (logits) => tf.tidy(() => tf.sum(crossEntropyPerSample(logits, target))),
        { ...options, init: 'normal', seed: ctx.seed },
      );
      return withDisposal([target, adv], () =>
        ctx.update(() => martLoss(ctx.forward(x, true), ctx.forward(adv, true), target, options.beta)),
      );
    },
  };
}
