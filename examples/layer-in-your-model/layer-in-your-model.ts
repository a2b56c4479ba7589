// An Elastic DL layer inside your own tf.sequential model, trained with plain model.fit.
// Run: node --conditions=@edl/source --import tsx examples/layer-in-your-model/layer-in-your-model.ts [count] [epochs]
import { loadMnist } from '@edl/datasets/node';
import { constraintsCallback, elasticDictConv2d, getBetas } from '@edl/layers';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';

const count = Number(process.argv[2] ?? 2000);
const epochs = Number(process.argv[3] ?? 4);
await setupBackend({ backend: 'auto' });

const model = tf.sequential({
  layers: [
    // 16 atoms of 3x3, stride 2, 2 unrolled RISTA steps, learned beta in [0, 1] (starts at 0.5)
    elasticDictConv2d({ inputShape: [28, 28, 1], filters: 16, strides: 2, steps: 2 }),
    tf.layers.batchNormalization({ momentum: 0.9 }), // tfjs's default 0.99 needs many steps to settle
    tf.layers.activation({ activation: 'relu' }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 10 }),
  ],
});
model.compile({
  optimizer: tf.train.adam(0.01),
  loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits),
  metrics: ['accuracy'],
});

const toTensors = (split: 'train' | 'test', n: number) => {
  const set = loadMnist({ split });
  const m = Math.min(n, set.count);
  const x = tf.tidy(() => tf.div(tf.tensor4d(set.images.subarray(0, m * 784), [m, 28, 28, 1], 'float32'), 255));
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(set.labels.subarray(0, m), 'int32'), 10));
  return { x, y };
};
const trainData = toTensors('train', count);
const testData = toTensors('test', 300);

// tfjs's model.fit does not apply layer constraints: the callback keeps atoms unit-norm and beta in [0, 1]
const history = await model.fit(trainData.x, trainData.y, {
  epochs,
  batchSize: 50,
  shuffle: true,
  callbacks: [constraintsCallback(model)],
  verbose: 0,
});
const [, acc] = model.evaluate(testData.x, testData.y) as tf.Scalar[];
console.log(`training accuracy per epoch: ${history.history.acc?.map((a) => Number(a).toFixed(3)).join(', ')}`);
console.log(`test accuracy ${(100 * (await acc!.data())[0]!).toFixed(1)}% after ${epochs} epochs on ${count} digits`);
console.log('beta per DL layer:', getBetas(model));
