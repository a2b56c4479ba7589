import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@edl/ops';
import { resnet } from '@edl/models';
const [conv = 'standard', batchArg = '32'] = process.argv.slice(2);
const batch = Number(batchArg);
await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
const recomputeStages = conv === 'elastic' ? JSON.parse(process.env.STAGES ?? '[0,1,2,3,4]') : undefined;
const model = resnet({
  depth: 18,
  conv: conv as 'standard',
  numClasses: 10,
  steps: 3,
  stepSizeRefresh: 1e9,
  seed: 1,
  recomputeStages,
});
const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
const optimizer = tf.train.momentum(0.01, 0.9) as tf.Optimizer;
const run = () =>
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
    );
    optimizer.applyGradients(grads);
    value.dataSync();
  });
run();
let t0 = performance.now();
run();
console.log('step ms', (performance.now() - t0).toFixed(0));
t0 = performance.now();
const prof = await tf.profile(() => {
  run();
});
console.log('profiled step ms', (performance.now() - t0).toFixed(0));
const agg = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) {
  const key = k.name + (k.name.startsWith('Conv') ? '' : ` ${JSON.stringify(k.inputShapes?.[0] ?? [])}`.slice(0, 0));
  const e = agg.get(key) ?? { ms: 0, n: 0 };
  e.ms += k.kernelTimeMs as number;
  e.n++;
  agg.set(key, e);
}
const tot = [...agg.values()].reduce((s, e) => s + e.ms, 0);
console.log('kernel total', tot.toFixed(0));
for (const [k, e] of [...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
  console.log(k.padEnd(28), e.ms.toFixed(1).padStart(8), String(e.n).padStart(5));
const be = tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } };
console.log('wasm heap MB', (be.wasm.HEAPU8.buffer.byteLength / 2 ** 20).toFixed(0));
