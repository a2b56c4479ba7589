// The ops benchmarks' T = 3 elastic unrolled layer, shared by cases.ts (wasm / native) and webgpu.ts.
import * as tf from '@tensorflow/tfjs';
import {
  convOperator,
  elasticWeights,
  fusedElasticResidual,
  fusedRistaAvailable,
  fusedShrinkStep,
  nonNegativeSoftThreshold,
} from '../src/index.node.ts';

/**
 * Elastic unrolled layer, T = 3: z0 = relu(t A x - lam t), then 2 reweighted steps (beta = 0.5). With `fused`
 * (as `@edl/layers`' rista does when the native kernels are registered) the elementwise chains between the
 * convolutions are the fused kernels; otherwise the composite tfjs ops.
 */
export function elasticLayer(x: tf.Tensor4D, W: tf.Tensor4D, fused = fusedRistaAvailable()): tf.Tensor4D {
  const op = convOperator(W, x.shape, { strides: 1, padding: 'symmetric' });
  const t = 0.1;
  const thr = 0.1 * t;
  const beta = 0.5;
  const update = (z: tf.Tensor4D | null, v: tf.Tensor4D): tf.Tensor4D =>
    fused
      ? fusedShrinkStep(z, v, t, thr, true)
      : nonNegativeSoftThreshold((z ? tf.add(z, tf.mul(t, v)) : tf.mul(t, v)) as tf.Tensor4D, thr);
  const residual = (u: tf.Tensor4D): tf.Tensor4D => {
    if (fused) return fusedElasticResidual(x, u, beta, 1e-3);
    const r = tf.sub(x, u);
    return tf.mul(tf.add(beta, tf.mul(1 - beta, elasticWeights(r, 1e-3))), r) as tf.Tensor4D;
  };
  let z = update(null, op.forward(x));
  for (let k = 1; k < 3; k++) z = update(z, op.forward(residual(op.adjoint(z))));
  return z;
}
