import * as tf from '@tensorflow/tfjs';

/** Settings of the inner maximisation (the attack that generates training examples). */
export interface InnerAttackOptions {
  /** L∞ radius. */
  epsilon: number;
  /** Step size of each signed-gradient step. */
  stepSize: number;
  /** Number of steps (0 returns the start point). */
  steps: number;
  /** Start: uniform in the ε-ball (Madry), `normal` = x + 0.001·N(0, 1) (TRADES / MART / HAT), or `none`. */
  init: 'uniform' | 'normal' | 'none';
  /** Seed of the random start. */
  seed: number;
}

/**
 * L∞ projected sign-gradient ascent on `objective(logits)` (a scalar, summed over the batch so the per-sample
 * gradients are not scaled by the batch size): `x ← Π_{ε-ball ∩ [0,1]}(x + α·sign(∇x))`. `forward` must be the
 * model in the mode the method prescribes (eval mode for every method here). Returns a new tensor; tidy-clean.
 */
export function innerMaximize(
  forward: (x: tf.Tensor4D) => tf.Tensor2D,
  x: tf.Tensor4D,
  objective: (logits: tf.Tensor2D) => tf.Scalar,
  options: InnerAttackOptions,
): tf.Tensor4D {
  const { epsilon, stepSize, steps, init, seed } = options;
  if (!(epsilon >= 0) || !(stepSize >= 0) || !Number.isInteger(steps) || steps < 0) {
    throw new Error(
      `innerMaximize: expected epsilon >= 0, stepSize >= 0 and integer steps >= 0, got ${epsilon}, ${stepSize}, ${steps}`,
    );
  }
  const lo = tf.tidy(() => tf.maximum(tf.sub(x, epsilon), 0));
  const hi = tf.tidy(() => tf.minimum(tf.add(x, epsilon), 1));
  let adv: tf.Tensor4D = tf.tidy(() => {
    if (init === 'none' || epsilon === 0) return tf.clone(x);
    const noise =
      init === 'uniform'
        ? tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', seed)
        : tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', seed), 0.001);
    return tf.clipByValue(tf.add(x, noise), 0, 1) as tf.Tensor4D;
  });
  const grad = tf.grad((xa: tf.Tensor) => objective(forward(xa as tf.Tensor4D)));
  for (let i = 0; i < steps; i++) {
    const next = tf.tidy(() => {
      const g = grad(adv);
      return tf.minimum(tf.maximum(tf.add(adv, tf.mul(tf.sign(g), stepSize)), lo), hi) as tf.Tensor4D;
    });
    adv.dispose();
    adv = next;
  }
  lo.dispose();
  hi.dispose();
  return adv;
}
