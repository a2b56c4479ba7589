import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/index.ts';
const threads = Number(process.argv[2] ?? 2);
await setupBackend({ backend: 'wasm', threads, quiet: true });
const B = 32, C = 64, S = 32;
const x = tf.randomNormal([B, S, S, C]) as tf.Tensor4D;
const dy = tf.randomNormal([B, S, S, C]) as tf.Tensor4D;
const W = tf.randomNormal([3, 3, C, C]) as tf.Tensor4D;
const pad: any = 'same';
const fns: Record<string, () => tf.Tensor> = {
  conv: () => tf.conv2d(x, W, 1, pad),
  dx: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: W }, { strides: [1, 1], pad, dataFormat: 'NHWC', inputShape: [B, S, S, C] }) as tf.Tensor,
  dW: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: [3, 3, C, C] }) as tf.Tensor,
  transposeX: () => tf.transpose(x, [3, 1, 2, 0]),
  transposeDy: () => tf.transpose(dy, [1, 2, 0, 3]),
  mul: () => tf.mul(x, dy),
  relu: () => tf.relu(x),
  abs: () => tf.abs(x),
  div: () => tf.div(x, dy),
};
const mins: Record<string, number[]> = {};
for (let rep = 0; rep < 7; rep++) for (const [k, f] of Object.entries(fns)) {
  const t0 = performance.now(); const r = f(); r.dataSync(); const dt = performance.now() - t0; r.dispose();
  (mins[k] ??= []).push(dt);
}
for (const [k, v] of Object.entries(mins)) { v.sort((a, b) => a - b); console.log(k.padEnd(12), 'min', v[0]!.toFixed(1), 'med', v[3]!.toFixed(1)); }
