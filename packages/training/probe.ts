import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@edl/ops';
import { resnet, toElastic } from '@edl/models';
import { getBetas, applyConstraints } from '@edl/layers';
import { pgdAT, logitsOf, Sgd } from './src/index.ts';
const info = await setupBackend({ backend: 'auto' });
console.log(info.backend, info.threads, info.reason);
for (const conv of ['standard', 'vanilla'] as const) {
  const model = resnet({ depth: 10, conv, numClasses: 10, inputShape: [28, 28, 1], widthMultiplier: Number(process.argv[2] ?? 0.125), steps: 2, seed: 1, firstStageStride: Number(process.argv[3] ?? 1) as 1 | 2 });
  console.log(conv, 'params', model.countParams(), model.layers.length);
  const x = tf.randomUniform([64, 28, 28, 1]) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32');
  const sgd = new Sgd(); const { applyConstraints: ac } = await import('@edl/layers');
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const m = pgdAT({ epsilon: 0.2, stepSize: 0.05, steps: 3 });
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const loss = m.step({ forward: (xb, tr) => logitsOf(model, xb, tr), numClasses: 10, seed: i, update: (f) => tf.tidy(() => { const { value, grads } = tf.variableGrads(f, vars); sgd.apply(vars, vars.map((v) => grads[v.name] ?? null), 0.05); const v = value.dataSync()[0]!; ac(model); return v; }) }, x, y);
    const t1 = performance.now();
    const t2 = performance.now();
    tf.tidy(() => logitsOf(model, x, false).dataSync());
    console.log(conv, 'pgd-5 step (64)', (t1 - t0).toFixed(0), 'ms; fwd eval', (performance.now() - t2).toFixed(0), 'loss', loss.toFixed(3));
  }
  if (conv === 'vanilla') { const e = toElastic(model, {}); console.log(getBetas(e)); }
}
