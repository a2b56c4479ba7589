import * as tf from '@tensorflow/tfjs';
import {
  embeddingDifference,
  exportSafetensors,
  layerBetas,
  loadModel,
  readSafetensors,
  resnet,
  saveModel,
  toElastic,
} from '../src/index.ts';

await tf.setBackend('cpu');
let t = Date.now();
const v = resnet({ depth: 10, conv: 'vanilla', widthMultiplier: 1 / 16, inputShape: [8, 8, 3], seed: 3 });
console.log('build', Date.now() - t, v.layers.length, v.weights.map((w) => w.originalName).slice(0, 6));
const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1);
t = Date.now();
const yv = v.predict(x) as tf.Tensor;
console.log('pred', Date.now() - t, yv.arraySync());
const e = toElastic(v, { beta: 1 });
const ye = e.predict(x) as tf.Tensor;
console.log(ye.arraySync(), layerBetas(e));
const e2 = toElastic(v, { beta: 0.3 });
console.log(layerBetas(e2), (e2.predict(x) as tf.Tensor).arraySync());
console.log(embeddingDifference(v, x, tf.add(x, 0.01)));
await saveModel(e2, '/tmp/m/e2');
const l = await loadModel('/tmp/m/e2');
console.log((l.predict(x) as tf.Tensor).arraySync(), layerBetas(l));
await exportSafetensors(e2, '/tmp/m/e2.safetensors');
const st = await readSafetensors('/tmp/m/e2.safetensors');
console.log(
  Object.entries(st.tensors)
    .slice(0, 8)
    .map(([k, v]) => k + ' ' + v.dtype + ' ' + v.shape),
);
