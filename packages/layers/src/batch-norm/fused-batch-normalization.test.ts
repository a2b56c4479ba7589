import { setupBackend } from '@edl/ops';
import { lcg } from '@edl/ops/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedBatchNormalization } from './fused-batch-normalization.ts';

const shape = [4, 5, 6, 7];
const n = 4 * 5 * 6 * 7;
const args = { axis: -1, epsilon: 1e-5, momentum: 0.9 };

/** One training step of a BatchNorm layer: output, dx, dgamma, dbeta, then the moving statistics, then inference. */
function step(layer: tf.layers.Layer): Float32Array[] {
  const x = tf.tensor4d(
    lcg(n, 1).map((v) => v * 2 + 0.5),
    shape as [number, number, number, number],
  );
  const G = tf.tensor4d(lcg(n, 2), shape as [number, number, number, number]);
  layer.build(shape);
  layer.setWeights([
    tf.tensor1d(lcg(7, 3).map((v) => v + 1)),
    tf.tensor1d(lcg(7, 4)),
    tf.tensor1d(lcg(7, 5)),
    tf.tensor1d(lcg(7, 6).map((v) => v + 1)),
  ]);
  const out = tf.tidy(() => {
    const f = (a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, G)) as tf.Scalar;
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const [dx] = tf.grads(f)([x]);
    const { grads } = tf.variableGrads(
      () => f(x),
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const dw = layer.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
    return [y, dx!, ...dw].map((t) => t.dataSync() as Float32Array);
  });
  const stats = layer
    .getWeights()
    .slice(2)
    .map((t) => t.dataSync() as Float32Array);
  const infer = tf.tidy(() => (layer.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array);
  tf.dispose([x, G]);
  return [...out, ...stats, infer];
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return m / s;
}

describe('fusedBatchNormalization on wasm with the native addon', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
  });

  it("matches tfjs' BatchNormalization: output, gradients, moving statistics, inference", () => {
    const got = step(fusedBatchNormalization(args));
    const want = step(tf.layers.batchNormalization(args));
    const names = ['y', 'dx', 'dgamma', 'dbeta', 'moving mean', 'moving variance', 'inference'];
    expect(got).toHaveLength(names.length);
    for (let k = 0; k < names.length; k++) expect(maxRelDiff(got[k]!, want[k]!), names[k]).toBeLessThan(1e-4);
    // the two training applies in step() moved the statistics away from their initial values
    expect(maxRelDiff(got[4]!, lcg(7, 5))).toBeGreaterThan(0.01);
  });

  it('runs the fused kernels in training and none of them in inference', async () => {
    const layer = fusedBatchNormalization(args);
    const x = tf.randomNormal([2, 3, 3, 4]);
    layer.apply(x, { training: true });
    // tf.profile reuses one info object: copy the names before the next call
    const train = await tf.profile(() => layer.apply(x, { training: true }) as tf.Tensor);
    const trainKernels = [...train.kernelNames];
    tf.dispose(train.result);
    const infer = await tf.profile(() => layer.apply(x, { training: false }) as tf.Tensor);
    expect(trainKernels).toContain('EdlBatchNormTrain');
    expect(trainKernels).not.toContain('Mean');
    expect(infer.kernelNames).not.toContain('EdlBatchNormTrain');
    tf.dispose([x, infer.result]);
  });

  it("serialises as tfjs' BatchNormalization with the same config", () => {
    const fused = fusedBatchNormalization({ ...args, name: 'bn' });
    const stock = tf.layers.batchNormalization({ ...args, name: 'bn' });
    expect(fused.getClassName()).toBe('BatchNormalization');
    expect(fused.getConfig()).toEqual(stock.getConfig());
  });
});
