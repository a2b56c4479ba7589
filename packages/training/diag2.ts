import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@edl/ops';
import { loadModel } from '@edl/models';
import { loadMnist } from '@edl/datasets';
import { gatherBatch, firstIndices, logitsOf, innerMaximize, crossEntropyPerSample, oneHotLabels } from './src/index.ts';
await setupBackend({ backend: 'auto', quiet: true });
const model = await loadModel(process.argv[2]!);
const test = loadMnist({ split: 'test' });
const { x, y } = gatherBatch(test, firstIndices(test, 200));
const acc = (training: boolean) => tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logitsOf(model, x, training), 1), y), 'float32')).dataSync()[0]);
console.log('eval-mode acc', acc(false));
const bn = model.weights.filter((w) => w.name.includes('moving'));
const saved = bn.map((w) => tf.clone(w.read()));
const ts = () => model.layers.filter((l) => l.getClassName() === 'DictConv2D').map((l) => l.getWeights()[3]!.dataSync()[0]!.toFixed(4)).join(' ');
console.log('t before', ts());
const train = loadMnist({ split: 'train' });
for (let i = 0; i < 30; i++) {
  const { x: xb, y: yb } = gatherBatch(train, Int32Array.from({ length: 50 }, (_, k) => (i * 50 + k) % 1200));
  const t = oneHotLabels(yb, 10);
  const adv = process.argv[3] === 'adv' ? innerMaximize((z) => logitsOf(model, z, false), xb, (l) => tf.sum(crossEntropyPerSample(l, t)), { epsilon: 0.1, stepSize: 0.04, steps: 3, init: 'uniform', seed: i }) : tf.clone(xb);
  tf.tidy(() => { logitsOf(model, adv, true); });
  tf.dispose([adv, t]);
  tf.dispose([xb, yb]);
}
console.log('t after', ts());
console.log('eval acc after 30 train passes', acc(false));
bn.forEach((w, i) => w.write(saved[i]!));
console.log('eval acc with refreshed t but original BN stats', acc(false));
