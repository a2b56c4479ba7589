import * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs, WasmKernel } from '../wasm/wasm-kernel-utils.ts';
import { NativeActivation } from './native-abi.ts';

/** Activations the native fused conv applies itself (codes of native/edl-abi.h); others go to the kernel it replaced. */
const NATIVE_ACTIVATIONS: Readonly<Record<string, number>> = NativeActivation;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function unitDilation(d: ConvAttrs['dilations']): boolean {
  return d === undefined || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1);
}

function convInfo(attrs: ConvAttrs, inShape: number[], filterShape: number[]): tf.backend_util.Conv2DInfo | undefined {
  if ((attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') || !unitDilation(attrs.dilations)) {
    return undefined;
  }
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function geometry(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
}

function allFloat32(...ts: tf.TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}

function heap(backend: KernelArgs['backend'], t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/**
 * The native kernels over the wasm backend's heap (zero copy): `Conv2D`, `FusedConv2D` (bias and linear / relu /
 * relu6 / leakyrelu fused), `Conv2DBackpropInput`, `Conv2DBackpropFilter`. Cases they do not cover (dilation,
 * NCHW, non-float32, other fused activations, broadcast biases) run on `fallback[name]`, the kernel they replace.
 */
export function makeNativeConvKernels(
  addon: NativeConvAddon,
  fallback: Record<'Conv2D' | 'FusedConv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', WasmKernel>,
): Record<'Conv2D' | 'FusedConv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', (a: KernelArgs) => tf.TensorInfo> {
  const conv2d = (args: KernelArgs): tf.TensorInfo => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = convInfo(args.attrs as unknown as ConvAttrs, x.shape, filter.shape);
    if (!info || !allFloat32(x, filter)) return fallback.Conv2D(args);
    const out = args.backend.makeOutput(info.outShape, 'float32');
    if (tf.util.sizeFromShape(info.outShape) === 0) return out;
    const b = args.backend;
    addon.conv2dForward(geometry(info), heap(b, x), heap(b, filter), heap(b, out), null, 0, 0);
    return out;
  };

  const fusedConv2d = (args: KernelArgs): tf.TensorInfo => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string; leakyreluAlpha?: number };
    const act = Object.hasOwn(NATIVE_ACTIVATIONS, attrs.activation ?? 'linear')
      ? NATIVE_ACTIVATIONS[attrs.activation ?? 'linear']
      : undefined;
    const alpha = attrs.leakyreluAlpha ?? 0.2;
    const info = convInfo(attrs, x!.shape, filter!.shape);
    const biasOk = !bias || (tf.util.sizeFromShape(bias.shape) === info?.outChannels && bias.dtype === 'float32');
    // the addon takes a finite alpha only; anything else runs where the cpu backend's semantics are kept
    if (
      !info ||
      act === undefined ||
      !Number.isFinite(alpha) ||
      preluActivationWeights ||
      !biasOk ||
      !allFloat32(x!, filter!)
    ) {
      return fallback.FusedConv2D(args);
    }
    const out = args.backend.makeOutput(info.outShape, 'float32');
    if (tf.util.sizeFromShape(info.outShape) === 0) return out;
    const b = args.backend;
    addon.conv2dForward(
      geometry(info),
      heap(b, x!),
      heap(b, filter!),
      heap(b, out),
      bias ? heap(b, bias) : null,
      act,
      alpha,
    );
    return out;
  };

  const backpropInput = (args: KernelArgs): tf.TensorInfo => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const info = convInfo(attrs, attrs.inputShape, filter.shape);
    if (!info || !allFloat32(dy, filter)) return fallback.Conv2DBackpropInput(args);
    const out = args.backend.makeOutput(attrs.inputShape, 'float32');
    if (tf.util.sizeFromShape(attrs.inputShape) === 0) return out;
    const b = args.backend;
    if (tf.util.sizeFromShape(dy.shape) === 0) {
      heap(b, out).fill(0);
      return out;
    }
    addon.conv2dBackpropInput(geometry(info), heap(b, dy), heap(b, filter), heap(b, out));
    return out;
  };

  const backpropFilter = (args: KernelArgs): tf.TensorInfo => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const info = convInfo(attrs, x.shape, attrs.filterShape);
    if (!info || !allFloat32(x, dy)) return fallback.Conv2DBackpropFilter(args);
    const out = args.backend.makeOutput(attrs.filterShape, 'float32');
    const b = args.backend;
    if (tf.util.sizeFromShape(dy.shape) === 0 || tf.util.sizeFromShape(x.shape) === 0) {
      heap(b, out).fill(0);
      return out;
    }
    addon.conv2dBackpropFilter(geometry(info), heap(b, x), heap(b, dy), heap(b, out));
    return out;
  };

  return {
    Conv2D: conv2d,
    FusedConv2D: fusedConv2d,
    Conv2DBackpropInput: backpropInput,
    Conv2DBackpropFilter: backpropFilter,
  };
}
