import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet } from '../src/index.ts';

await setupBackend({ backend: 'wasm', threads: 2 });
const conv = (process.argv[2] ?? 'standard') as 'standard';
const batch = Number(process.argv[3] ?? 32);
const model = resnet({ depth: 18, conv, steps: 3, stepSizeRefresh: 1e9, seed: 1 });
const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
let t = performance.now();
(model.predict(x) as tf.Tensor).dataSync();
console.log('infer', Math.round(performance.now() - t), tf.memory());
const opt = tf.train.momentum(0.01, 0.9);
for (let i = 0; i < 2; i++) {
  t = performance.now();
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
    );
    console.log('fwd+bwd', Math.round(performance.now() - t), value.dataSync()[0], tf.memory().numBytes);
    (opt as tf.Optimizer).applyGradients(grads);
  });
  console.log(
    'step',
    Math.round(performance.now() - t),
    tf.memory().numTensors,
    'heap MB',
    (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20,
  );
}
