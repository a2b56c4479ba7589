import * as tf from '@tensorflow/tfjs';
import { resnet } from '../src/resnet.ts';

await tf.setBackend('cpu');
const m = resnet({ depth: 18, seed: 1 });
const tr = m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
console.log(tr, m.countParams(), m.layers.length);
console.log(m.weights.slice(0, 8).map((w) => w.name + ' ' + w.originalName));
for (const d of [10, 34, 50] as const) {
  const mm = resnet({ depth: d });
  console.log(
    d,
    mm.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
    mm.outputs[0]!.shape,
  );
}
const s = resnet({ depth: 10, widthMultiplier: 1 / 16, inputShape: [28, 28, 1] });
console.log((s.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor).shape);
