import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-kernel-utils.ts';

/** The reference counting the wasm backend offers kernels (its Reshape uses it). */
interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

/**
 * `Identity` for the wasm backend without a copy: the output shares the input's buffer (reference counted, as
 * the cpu backend's Identity and the wasm Reshape already do; tfjs tensors are immutable). The stock wasm
 * kernel copies the whole tensor, and the gradients of add / sub / mul call it dozens of times per layer.
 */
export function wasmIdentity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as unknown as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** `Cast` that shares the buffer when the dtype does not change (tfjs gradients cast float32 to float32). */
export function makeWasmCast(stock: tf.KernelFunc): (args: KernelArgs) => tf.TensorInfo {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if ((args.attrs as { dtype?: string }).dtype === x.dtype) return wasmIdentity(args);
    return stock(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  };
}
