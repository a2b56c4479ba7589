import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { wasmConv2DBackpropFilter } from '../kernels/wasm/wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from '../kernels/wasm/wasm-conv-backprop-input.ts';
import '../index.node.ts';

// Node: a script that imports @tensorflow/tfjs-backend-wasm before @edl/ops gets the @edl/ops wasm kernels with a
// plain tf.setBackend('wasm'), without setupBackend.

describe('importing @edl/ops (Node) after @tensorflow/tfjs-backend-wasm', () => {
  it('registers the wasm conv kernels before the backend initialises, and a plain setBackend uses them', async () => {
    expect('wasm' in tf.engine().registry).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropInput);
    expect(await tf.setBackend('wasm')).toBe(true);
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
    const dw = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))(tf.ones([3, 3, 2, 1]));
    // d/dW sum(conv) = for each tap, the sum of the inputs it touches: the centre tap sees all 16 pixels, a corner 9
    expect(Array.from(await dw.data()).slice(0, 2)).toEqual([9, 9]);
    expect(Array.from(await dw.data())[8]).toBe(16);
  });
});
