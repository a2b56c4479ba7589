import * as tf from '@tensorflow/tfjs';

type Tensor = tf.Tensor;

let registered = false;

/**
 * Replaces tfjs' gradient of `FusedBatchNorm` (tfjs-layers' BatchNormalization at inference, `tf.batchNorm`) by
 * one that computes only the gradients asked for, each from what it needs. tfjs' own builds `x - mean`,
 * `dy * scale`, `rsqrt(variance + eps)` and its cube for every call, before it knows which inputs are on the
 * path, then tiles the per-channel factor to the full shape: about a dozen kernels per layer even when, as in
 * every attack, only the input gradient is wanted. Here the input gradient is `dy * rsqrt(variance + eps) *
 * scale` with the per-channel factor broadcast (4 kernels, 2 of them per channel); the same products in the same
 * order, so the values are tfjs' to the bit. The other inputs' gradients are tfjs' formulas, evaluated lazily.
 * Backend-independent; registered once by `setupBackend`.
 */
export function registerBatchNormGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as Tensor[];
      const g = dy as Tensor;
      const scaleValue = scale ?? tf.scalar(1);
      const perChannel = mean!.rank === 1;
      const axes = tf.backend_util.getReductionAxes(mean!.shape, x!.shape);
      // each gradient runs in its own tidy scope: a shared memo would be freed by the first one
      const rsqrtVar = () => tf.rsqrt(tf.add(variance!, tf.scalar(varianceEpsilon)));
      // tfjs reduces a per-channel [C] statistic's gradient over the broadcast axes; others keep the full shape
      const toStat = (t: Tensor) => tf.reshape(perChannel ? tf.sum(t, axes) : t, mean!.shape);
      return {
        x: () => tf.reshape(tf.mul(tf.mul(g, rsqrtVar()), scaleValue), x!.shape),
        mean: () => toStat(tf.mul(tf.mul(rsqrtVar(), tf.scalar(-1)), tf.mul(g, scaleValue))),
        variance: () => {
          const r = rsqrtVar();
          const minusHalfRCube = tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5));
          return toStat(tf.mul(tf.mul(minusHalfRCube, tf.sub(x!, mean!)), tf.mul(g, scaleValue)));
        },
        scale: () => toStat(tf.mul(g, tf.mul(tf.sub(x!, mean!), rsqrtVar()))),
        offset: () => toStat(g),
      };
    },
  });
}
