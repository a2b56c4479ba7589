import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { crossEntropy, fromLayersModel, lossAndGradient, pgd, projectLinf } from '../src/index.ts';
const ops = await import(pathToFileURL('/work/main/packages/ops/src/index.ts').href);
await ops.setupBackend({ backend: 'wasm', threads: 2 });
const init = (seed: number) => tf.initializers.heNormal({ seed });
const net = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
  tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
  tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(3) }),
  tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 10, kernelInitializer: init(4) })] });
const model = fromLayersModel(net);
const x = tf.randomUniform([100, 32, 32, 3]) as tf.Tensor4D;
const y = tf.tensor1d(Array.from({ length: 100 }, (_, i) => i % 10), 'int32');
const time = (label: string, f: () => void, reps = 5) => { f(); const t = performance.now(); for (let i = 0; i < reps; i++) f(); console.log(label, ((performance.now() - t) / reps).toFixed(1), 'ms'); };
time('grad at x', () => tf.tidy(() => { lossAndGradient(model, x, y, crossEntropy).grad.dataSync(); }));
const xr = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -0.03, 0.03)), 0, 1) as tf.Tensor4D;
time('grad at perturbed x', () => tf.tidy(() => { lossAndGradient(model, xr, y, crossEntropy).grad.dataSync(); }));
time('forward', () => tf.tidy(() => { model(x).dataSync(); }));
time('project', () => tf.tidy(() => { projectLinf(tf.add(xr, 0.01) as tf.Tensor4D, x, 0.03).dataSync(); }));
time('where+broadcast', () => tf.tidy(() => { const m = tf.broadcastTo(tf.reshape(tf.greater(tf.randomUniform([100]), 0.5), [-1,1,1,1]), x.shape); tf.where(m, x, xr).dataSync(); }));
let t = performance.now();
(await pgd({ eps: 8/255, stepSize: 2/255, steps: 20 }).run(model, x, y)).xAdv.dispose();
console.log('pgd-20 run', (performance.now() - t).toFixed(0), 'ms');
t = performance.now();
(await pgd({ eps: 8/255, stepSize: 2/255, steps: 20, keep: 'last' }).run(model, x, y)).xAdv.dispose();
console.log('pgd-20 keep last', (performance.now() - t).toFixed(0), 'ms');
