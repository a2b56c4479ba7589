// Writes a tiny but real MNIST classifier for smoke tests of sharded evaluation (no training, under a second):
// a linear nearest-class-mean model (flatten + dense 10, weights = class means of the embedded MNIST digits,
// ~85% clean accuracy, which PGD at eps 0.1 partly breaks).
// Usage: node --conditions=@edl/source --import tsx examples/cluster/tiny-model.ts <out-dir> [train images]
import { loadMnist } from '@edl/datasets/node';
import { fileSystemHandler } from '@edl/models/node';
import * as tf from '@tensorflow/tfjs';

const [out, countArg = '2000'] = process.argv.slice(2);
if (!out) {
  console.error('usage: tiny-model.ts <out-dir> [train images]');
  process.exit(2);
}
const set = loadMnist({ split: 'train' });
const count = Math.min(set.count, Number(countArg));
const per = set.height * set.width * set.channels;
const sums = new Float64Array(per * 10);
const counts = new Float64Array(10);
for (let i = 0; i < count; i++) {
  const c = set.labels[i] as number;
  counts[c] = (counts[c] ?? 0) + 1;
  for (let p = 0; p < per; p++) sums[p * 10 + c] = (sums[p * 10 + c] ?? 0) + (set.images[i * per + p] ?? 0) / 255;
}
const kernel = new Float32Array(per * 10);
const bias = new Float32Array(10);
for (let c = 0; c < 10; c++) {
  let sq = 0;
  for (let p = 0; p < per; p++) {
    const m = (sums[p * 10 + c] ?? 0) / Math.max(1, counts[c] ?? 0);
    kernel[p * 10 + c] = m;
    sq += m * m;
  }
  bias[c] = -sq / 2;
}
const model = tf.sequential({
  layers: [tf.layers.flatten({ inputShape: [set.height, set.width, 1] }), tf.layers.dense({ units: 10 })],
});
model.setWeights([tf.tensor2d(kernel, [per, 10]), tf.tensor1d(bias)]);
await model.save(fileSystemHandler(out));
console.log(`tiny MNIST model (nearest class mean over ${count} digits) -> ${out}`);
