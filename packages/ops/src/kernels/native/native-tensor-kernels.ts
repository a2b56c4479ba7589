import * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs, WasmKernel } from '../wasm/wasm-kernel-utils.ts';
import { NATIVE_TILE_MAX_RANK, NativeBinaryOp, NativeUnaryOp } from './native-abi.ts';

/** Names of the memory-bound kernels the addon replaces on wasm. */
export type NativeTensorKernel =
  | 'Tile'
  | 'Sum'
  | 'Mean'
  | 'Add'
  | 'Sub'
  | 'Multiply'
  | 'FusedBatchNorm'
  | 'Sign'
  | 'ClipByValue'
  | 'Relu'
  | 'Step'
  | 'Slice'
  | 'PadV2';

/**
 * The repeat period of `small` broadcast against `outShape` when the broadcast is a trailing one (its shape,
 * left-padded with ones, is ones followed by the trailing dims of `outShape`), else -1.
 */
function trailingPeriod(small: number[], outShape: number[]): number {
  const pad = outShape.length - small.length;
  if (pad < 0) return -1;
  const s = [...new Array(pad).fill(1), ...small];
  let k = 0;
  while (k < s.length && s[k] === 1 && outShape[k] !== 1) k++;
  for (let i = k; i < s.length; i++) if (s[i] !== outShape[i]) return -1;
  return tf.util.sizeFromShape(outShape.slice(k));
}

/** `k` when `axes` (sorted, unique) are exactly the leading axes `0..k-1`, else -1. */
function leadingAxes(axes: number[]): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i) ? sorted.length : -1;
}

/**
 * Native float32 `Sign` and `ClipByValue` (the PGD step; wasm's `Sign` took 2 ms for 300 K values), `Relu` and `Step`
 * (ReLU and its gradient, on the native pool's two threads), `FusedBatchNorm` (per-channel parameters over the last axis), `Add` / `Sub` / `Multiply` (same
 * shape, scalar or trailing broadcast such as `[C]` against
 * `[B,H,W,C]`; 2 threads, about 2x the wasm kernels on large tensors), native `Tile` (float32 / int32) and
 * float32 `Sum` / `Mean` over leading axes (the per-channel reductions of an
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
    if (
      (x.dtype !== 'float32' && x.dtype !== 'int32') ||
      reps.length !== x.shape.length ||
      x.shape.length > NATIVE_TILE_MAX_RANK
    ) {
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

  const binary =
    (name: 'Add' | 'Sub' | 'Multiply', op: (typeof NativeBinaryOp)[keyof typeof NativeBinaryOp]) =>
    (args: KernelArgs): tf.TensorInfo => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback[name](args);
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const n = tf.util.sizeFromShape(outShape);
      const na = tf.util.sizeFromShape(a.shape);
      const nb = tf.util.sizeFromShape(b.shape);
      const ok =
        n > 0 &&
        ((na === n && nb === n) ||
          (na === n && trailingPeriod(b.shape, outShape) === nb) ||
          (nb === n && trailingPeriod(a.shape, outShape) === na));
      if (!ok) return fallback[name](args);
      const out = args.backend.makeOutput(outShape, 'float32');
      const heap = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array;
      addon.binary(op, heap(a), heap(b), heap(out));
      return out;
    };

  const batchNorm = (args: KernelArgs): tf.TensorInfo => {
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const eps = (args.attrs as { varianceEpsilon?: number }).varianceEpsilon ?? 0.001;
    const params = [mean!, variance!, offset, scale].filter((t): t is tf.TensorInfo => !!t);
    const channels = x!.shape.at(-1) ?? 1;
    // every parameter a scalar or a per-channel vector broadcast over the last axis
    const perChannel = (t: tf.TensorInfo) => {
      const size = tf.util.sizeFromShape(t.shape);
      return size === 1 || (size === channels && trailingPeriod(t.shape, x!.shape) === channels);
    };
    const n = tf.util.sizeFromShape(x!.shape);
    if (
      x!.dtype !== 'float32' ||
      n === 0 ||
      !(eps >= 0 && Number.isFinite(eps)) || // the addon takes a finite eps >= 0
      x!.shape.length < 1 ||
      !params.every((t) => t.dtype === 'float32' && perChannel(t))
    ) {
      return fallback.FusedBatchNorm(args);
    }
    const out = args.backend.makeOutput(x!.shape, 'float32');
    const heap = (t: tf.TensorInfo | undefined) => (t ? (args.backend.typedArrayFromHeap(t) as Float32Array) : null);
    addon.batchNorm(heap(x)!, channels, heap(mean)!, heap(variance)!, heap(scale), heap(offset), eps, heap(out)!);
    return out;
  };

  const unary =
    (name: 'Sign' | 'ClipByValue' | 'Relu' | 'Step', op: (typeof NativeUnaryOp)[keyof typeof NativeUnaryOp]) =>
    (args: KernelArgs): tf.TensorInfo => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const n = tf.util.sizeFromShape(x.shape);
      const {
        clipValueMin = 0,
        clipValueMax = 0,
        alpha = 0,
      } = (args.attrs ?? {}) as {
        clipValueMin?: number;
        clipValueMax?: number;
        alpha?: number;
      };
      // the addon clips to bounds that are numbers with lo <= hi only, and takes a step's alpha that is not NaN
      const boundsOk =
        (op !== NativeUnaryOp.clip || clipValueMin <= clipValueMax) &&
        (op !== NativeUnaryOp.step || !Number.isNaN(alpha));
      if (x.dtype !== 'float32' || n === 0 || !boundsOk) return fallback[name](args);
      const out = args.backend.makeOutput(x.shape, 'float32');
      const heap = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array;
      const lo = op === NativeUnaryOp.step ? alpha : clipValueMin;
      addon.unary(op, heap(x), lo, clipValueMax, heap(out));
      return out;
    };

  // Slice and PadV2 as one window copy: out[o] = x[o + offsets] inside x, else the pad value. tfjs' wasm Slice
  // copies element by element when the window is not contiguous (the gradient of a ResNet's stride-2 padding).
  const window = (
    args: KernelArgs,
    x: tf.TensorInfo,
    outShape: number[],
    offsets: number[],
    value: number,
  ): tf.TensorInfo => {
    const out = args.backend.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    const view = (t: tf.TensorInfo) => args.backend.typedArrayFromHeap(t) as Float32Array | Int32Array;
    addon.window(
      view(x),
      Int32Array.from(x.shape),
      Int32Array.from(outShape),
      Int32Array.from(offsets),
      value,
      view(out),
    );
    return out;
  };
  const windowable = (x: tf.TensorInfo) =>
    (x.dtype === 'float32' || x.dtype === 'int32') && x.shape.length >= 1 && x.shape.length <= NATIVE_TILE_MAX_RANK;

  const slice = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    if (!windowable(x)) return fallback.Slice(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
    tf.slice_util.assertParamsValid(x, begin_!, size_!);
    return window(args, x, size_!, begin_!, 0);
  };

  const pad = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as {
      paddings: [number, number][];
      constantValue: number;
    };
    const value = Number(constantValue ?? 0);
    if (
      !windowable(x) ||
      paddings.length !== x.shape.length ||
      !paddings.every(([a, b]) => Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0) ||
      (x.dtype === 'int32' && !(Number.isInteger(value) && Math.abs(value) < 2 ** 31))
    ) {
      return fallback.PadV2(args);
    }
    const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    return window(
      args,
      x,
      outShape,
      paddings.map(([before]) => -before),
      value,
    );
  };

  return {
    Slice: slice,
    PadV2: pad,
    Sign: unary('Sign', NativeUnaryOp.sign),
    ClipByValue: unary('ClipByValue', NativeUnaryOp.clip),
    Relu: unary('Relu', NativeUnaryOp.relu),
    Step: unary('Step', NativeUnaryOp.step),
    FusedBatchNorm: batchNorm,
    Tile: tile,
    Sum: reduce('Sum'),
    Mean: reduce('Mean'),
    Add: binary('Add', NativeBinaryOp.add),
    Sub: binary('Sub', NativeBinaryOp.sub),
    Multiply: binary('Multiply', NativeBinaryOp.mul),
  };
}
