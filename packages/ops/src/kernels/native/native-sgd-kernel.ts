import type * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs } from '../wasm/wasm-kernel-utils.ts';

/** The wasm kernel `EdlSgdStep` `{p, g, buf}` -> `[p', buf']` on the native addon (one pass, wasm heap in place). */
export function makeNativeSgdKernel(addon: NativeConvAddon): (args: KernelArgs) => tf.TensorInfo[] {
  return (args) => {
    const { p, g, buf } = args.inputs as { p: tf.TensorInfo; g: tf.TensorInfo; buf: tf.TensorInfo };
    const { lr, momentum, weightDecay, nesterov } = args.attrs as unknown as {
      lr: number;
      momentum: number;
      weightDecay: number;
      nesterov: boolean;
    };
    const pOut = args.backend.makeOutput(p.shape, 'float32');
    const bufOut = args.backend.makeOutput(p.shape, 'float32');
    const heap = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array;
    addon.sgdStep(heap(p), heap(g), heap(buf), lr, momentum, weightDecay, nesterov, heap(pOut), heap(bufOut));
    return [pOut, bufOut];
  };
}
