import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { autoAttack, fromLayersModel } from './src/index.ts';
const ops = (await import('../ops/src/index.ts')) as unknown as { setupBackend: (o: object) => Promise<{ backend: string; threads: number }> };
console.log(await ops.setupBackend({ backend: 'wasm', threads: 2 }));
const n = Number(process.argv[2] ?? 100);
const budget = Number(process.argv[3] ?? 0.1);
const buf = readFileSync('../shared/data/cifar10/test_first1000.bin');
const px = new Float32Array(n * 3072);
for (let r = 0; r < n; r++) for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) px[r * 3072 + p * 3 + c] = (buf[r * 3073 + 1 + c * 1024 + p] ?? 0) / 255;
const x = tf.tensor4d(px, [n, 32, 32, 3]);
const init = (seed: number) => tf.initializers.heNormal({ seed });
const net = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
  tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
  tf.layers.globalAveragePooling2d({}),
  tf.layers.dense({ units: 10, kernelInitializer: init(4) }),
] });
const model = fromLayersModel(net);
const y = tf.tidy(() => tf.cast(tf.argMax(model(x), 1), 'int32') as tf.Tensor1D);
console.log('label histogram', tf.tidy(() => tf.sum(tf.oneHot(y, 10), 0)).dataSync().join(','));
const t = performance.now();
const res = await autoAttack({ norm: (process.argv[4] ?? 'linf') as 'linf', eps: Number(process.argv[5] ?? 1 / 255), budget, batchSize: 100, onLog: (e) => console.log(e.attack, e.attacked, e.fooled, e.robustAccuracy, e.seconds) }).run(model, x, y);
console.log('total s', (performance.now() - t) / 1000, res.checks, res.queries);
