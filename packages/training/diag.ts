import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@edl/ops';
import { loadModel } from '@edl/models';
import { loadMnist } from '@edl/datasets';
import { gatherBatch, firstIndices, logitsOf } from './src/index.ts';
await setupBackend({ backend: 'auto', quiet: true });
const model = await loadModel(process.argv[2]!);
const test = loadMnist({ split: 'test' });
const { x, y } = gatherBatch(test, firstIndices(test, 100));
const acc = (training: boolean) => tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logitsOf(model, x, training), 1), y), 'float32')).dataSync()[0]);
console.log('eval-mode acc', acc(false));
const bnBefore = model.weights.filter((w) => w.name.includes('moving')).map((w) => Array.from(w.read().dataSync()).slice(0, 3));
console.log('train-mode acc (batch stats)', acc(true));
console.log('eval-mode acc after one train-mode pass', acc(false));
console.log(bnBefore.slice(0, 4));
for (const l of model.layers) if (l.getClassName() === 'DictConv2D') console.log(l.name, l.getWeights().slice(1).map((w) => w.dataSync()[0]));
const train = loadMnist({ split: 'train' });
for (let i = 0; i < 30; i++) {
  const { x: xb, y: yb } = gatherBatch(train, Int32Array.from({ length: 50 }, (_, k) => (i * 50 + k) % 1200));
  tf.tidy(() => { logitsOf(model, xb, true); });
  tf.dispose([xb, yb]);
}
console.log('eval-mode acc after 30 train-mode passes (BN recalibrated)', acc(false));
