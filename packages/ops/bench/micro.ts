// Scratch micro-benchmark of the conv kernels' parts (min of 9): node --conditions=@edl/source --import tsx packages/ops/bench/micro.ts <threads>
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/index.node.ts';

const threads = Number(process.argv[2] ?? 2);
await setupBackend({ backend: 'wasm', threads, quiet: true });
const B = 32;
const C = 64;
const S = 32;
const x = tf.randomNormal([B, S, S, C]) as tf.Tensor4D;
const dy = tf.randomNormal([B, S, S, C]) as tf.Tensor4D;
const dy2 = tf.randomNormal([B, S / 2, S / 2, C]) as tf.Tensor4D;
const W = tf.randomNormal([3, 3, C, C]) as tf.Tensor4D;
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
const base = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC' };
const fns: Record<string, () => tf.Tensor> = {
  conv: () => tf.conv2d(x, W, 1, 'same'),
  dx: run('Conv2DBackpropInput', { dy, filter: W }, { ...base, inputShape: [B, S, S, C] }),
  dxS2: run('Conv2DBackpropInput', { dy: dy2, filter: W }, { ...base, strides: [2, 2], inputShape: [B, S, S, C] }),
  dW: run('Conv2DBackpropFilter', { x, dy }, { ...base, filterShape: [3, 3, C, C] }),
  transposeX: () => tf.transpose(x, [3, 1, 2, 0]),
  transposeDy: () => tf.transpose(dy, [1, 2, 0, 3]),
  mul: () => tf.mul(x, dy),
  relu: () => tf.relu(x),
  identity: () => tf.clone(x),
};
const times: Record<string, number[]> = {};
for (let rep = 0; rep < 9; rep++) {
  for (const [k, f] of Object.entries(fns)) {
    const t0 = performance.now();
    const r = f();
    r.dataSync();
    const dt = performance.now() - t0;
    r.dispose();
    const list = times[k] ?? [];
    list.push(dt);
    times[k] = list;
  }
}
for (const [k, v] of Object.entries(times)) {
  v.sort((a, b) => a - b);
  console.log(k.padEnd(12), 'min', v[0]!.toFixed(1), 'med', v[4]!.toFixed(1));
}
