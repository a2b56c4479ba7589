import * as tf from '@tensorflow/tfjs';

/** One-hot float32 labels of `y` (int32 class indices) for `numClasses` classes. */
export function oneHotLabels(y: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(y, 'int32'), numClasses), 'float32') as tf.Tensor2D);
}

/** Per-sample cross-entropy `−log softmax(z)_y` for logits `[B, C]` and one-hot targets `[B, C]`. */
export function crossEntropyPerSample(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)) as tf.Tensor1D);
}

/** Mean cross-entropy over the batch. */
export function crossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(crossEntropyPerSample(logits, target)) as tf.Scalar);
}

/**
 * Per-sample KL(p ‖ softmax(logitsQ)) = Σ p·(log p − log q), with `p` given as probabilities (PyTorch
 * `KLDivLoss(log_softmax(q_logits), p)` summed over classes). Zero entries of p contribute 0.
 */
export function klDivergencePerSample(p: tf.Tensor2D, logitsQ: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.log(tf.maximum(p, 1e-12));
    return tf.sum(tf.mul(p, tf.sub(logP, tf.logSoftmax(logitsQ))), 1) as tf.Tensor1D;
  });
}
