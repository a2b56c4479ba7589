import * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from './native-addon.ts';
import type { KernelArgs, WasmKernel } from './wasm-kernel-utils.ts';

/** Names of the memory-bound kernels the addon replaces on wasm. */
export type NativeTensorKernel = 'Tile' | 'Sum' | 'Mean';

/** `k` when `axes` (sorted, unique) are exactly the leading axes `0..k-1`, else -1. */
function leadingAxes(axes: number[]): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) ? sorted.length : -1;
}

/**
 * Native `Tile` (float32 / int32) and float32 `Sum` / `Mean` over leading axes (the per-channel reductions of an
 * NHWC BatchNorm and its gradient), on the wasm heap in place. The stock wasm `Tile` is a per-element loop and
 * its reductions over non-innermost axes transpose the whole tensor first; other cases run on `fallback[name]`.
 */
export function makeNativeTensorKernels(
  addon: NativeConvAddon,
  fallback: Record<NativeTensorKernel, WasmKernel>,
): Record<NativeTensorKernel, (a: KernelArgs) => tf.TensorInfo> {
  const tile = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || reps.length !== x.shape.length || x.shape.length > 16) {
      return fallback.Tile(args);
    }
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const out = args.backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    const view = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array | Int32Array;
    addon.tile(view(x), Int32Array.from(x.shape), Int32Array.from(reps), view(out));
    return out;
  };

  const reduce =
    (name: 'Sum' | 'Mean') =>
    (args: KernelArgs): tf.TensorInfo => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims?: boolean };
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const k = leadingAxes(axes);
      const size = tf.util.sizeFromShape(x.shape);
      if (x.dtype !== 'float32' || k < 1 || size === 0) return fallback[name](args);
      const outer = tf.util.sizeFromShape(x.shape.slice(0, k));
      const inner = size / outer;
      const outShape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
      const out = args.backend.makeOutput(outShape, 'float32');
      const heap = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array;
      addon.reduceLeading(heap(x), outer, inner, name === 'Mean' ? 1 / outer : 1, heap(out));
      return out;
    };

  return { Tile: tile, Sum: reduce('Sum'), Mean: reduce('Mean') };
}
