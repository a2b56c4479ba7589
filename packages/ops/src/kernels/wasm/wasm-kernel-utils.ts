import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../../errors/ops-error.ts';

/** The parts of tfjs-backend-wasm's `BackendWasm` our kernels use (typed here so no static import is needed). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  readSync(dataId: tf.DataId): tf.BackendValues;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Arguments a kernel function receives. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs: tf.NamedAttrMap;
}

/** A kernel function of the wasm backend, called directly (no tape, no engine bookkeeping). */
export type WasmKernel = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs: object;
}) => tf.TensorInfo;

/** Looks up the stock wasm kernel `name`; throws if the wasm backend has not registered it. */
export function wasmKernel(name: string): WasmKernel {
  const k = tf.getKernel(name, 'wasm');
  if (!k) {
    throw new OpsError(
      'invalid-state',
      'backend',
      `wasm kernel '${name}' is not registered: import @tensorflow/tfjs-backend-wasm first`,
    );
  }
  return k.kernelFunc as unknown as WasmKernel;
}

/**
 * Collects intermediate tensors of a kernel so they can all be freed at the end, including on error.
 * `keep(t)` registers and returns `t`; `free()` disposes every registered tensor.
 */
export class Scratch {
  private readonly items: tf.TensorInfo[] = [];
  constructor(private readonly backend: WasmBackendLike) {}
  keep(t: tf.TensorInfo): tf.TensorInfo {
    this.items.push(t);
    return t;
  }
  free(): void {
    for (const t of this.items) this.backend.disposeData(t.dataId);
    this.items.length = 0;
  }
}
