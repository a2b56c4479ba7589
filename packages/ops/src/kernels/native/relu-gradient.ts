import * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs } from '../wasm/wasm-kernel-utils.ts';

/** Kernel name of the one-pass ReLU gradient `dy * step(x)` (registered on wasm when the native addon is loaded). */
export const RELU_GRAD_KERNEL = 'EdlReluGrad';

/** The wasm kernel `EdlReluGrad` `{dy, x}` -> `dx = dy * step(x)` on the native addon (wasm heap in place). */
export function makeNativeReluGradKernel(addon: NativeConvAddon): (args: KernelArgs) => tf.TensorInfo {
  return (args) => {
    const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const dx = args.backend.makeOutput(x.shape, 'float32');
    if (tf.util.sizeFromShape(x.shape) === 0) return dx;
    const heap = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array;
    addon.reluGrad(heap(dy), heap(x), heap(dx));
    return dx;
  };
}

let registered = false;

/**
 * Replaces tfjs' gradient of `Relu` (`dy * cast(step(x))`: a `Step` pass, a `Cast` and a `Multiply`) by one
 * `EdlReluGrad` pass where the current backend has that kernel, and by tfjs' own composite elsewhere: the values are
 * the same (step is 1 above 0, 0 at or below, NaN for NaN). Registered once, by {@link registerNativeKernels}.
 */
export function registerReluGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      const g = dy as tf.Tensor;
      return {
        x: () =>
          x!.dtype === 'float32' && g.dtype === 'float32' && tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())
            ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x: x! }) as tf.Tensor)
            : tf.mul(g, tf.cast(tf.step(x!), 'float32')),
      };
    },
  });
}
