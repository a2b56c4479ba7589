import * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import { OpsError } from '../../errors/ops-error.ts';
import { SGD_STEP_KERNEL } from '../../operators/sgd-step.ts';
import { wasmConv2DBackpropFilter } from '../wasm/wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from '../wasm/wasm-conv-backprop-input.ts';
import { type WasmKernel, wasmKernel } from '../wasm/wasm-kernel-utils.ts';
import { FUSED_BATCH_NORM_KERNELS, makeNativeBatchNormKernels } from './native-batch-norm-kernels.ts';
import { makeNativeConvKernels } from './native-conv-kernels.ts';
import { FUSED_RISTA_KERNELS, makeNativeRistaKernels } from './native-rista-kernels.ts';
import { makeNativeSgdKernel } from './native-sgd-kernel.ts';
import { makeNativeTensorKernels } from './native-tensor-kernels.ts';
import { makeNativeReluGradKernel, RELU_GRAD_KERNEL, registerReluGradient } from './relu-gradient.ts';

/** Names of the wasm-backend kernels {@link registerNativeKernels} replaces. */
export const NATIVE_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'Tile',
  'Sum',
  'Mean',
  'Add',
  'Sub',
  'Multiply',
  'FusedBatchNorm',
  'Sign',
  'ClipByValue',
  'Relu',
  'Step',
  'Slice',
  'PadV2',
] as const;

/** The kernels the native ones replace, captured once (so a second call never falls back onto itself). */
let fallbacks: Record<(typeof NATIVE_KERNELS)[number], WasmKernel> | undefined;

/**
 * Registers the native (Node-API, AVX-512 / AVX2 / 128-bit SIMD) convolution kernels of `@edl/ops` over the wasm
 * backend, with native `Tile` and leading-axes `Sum` / `Mean` (the BatchNorm gradient's slow spots on wasm). They read and write the wasm heap in place. What they do not cover (dilations, NCHW, other fused
 * activations) runs on the XNNPACK-based kernels they replace. {@link setupBackend} calls this for you when the
 * addon is built; returns the names of the kernels installed.
 */
export function registerNativeKernels(addon: NativeConvAddon): string[] {
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new OpsError(
      'invalid-state',
      'backend',
      'registerNativeKernels: the wasm backend is not loaded; call setupBackend first',
    );
  }
  fallbacks ??= {
    Conv2D: wasmKernel('Conv2D'),
    FusedConv2D: wasmKernel('FusedConv2D'),
    Conv2DBackpropInput: wasmConv2DBackpropInput as unknown as WasmKernel,
    Conv2DBackpropFilter: wasmConv2DBackpropFilter as unknown as WasmKernel,
    Tile: wasmKernel('Tile'),
    Sum: wasmKernel('Sum'),
    Mean: wasmKernel('Mean'),
    Add: wasmKernel('Add'),
    Sub: wasmKernel('Sub'),
    Multiply: wasmKernel('Multiply'),
    FusedBatchNorm: wasmKernel('FusedBatchNorm'),
    Sign: wasmKernel('Sign'),
    ClipByValue: wasmKernel('ClipByValue'),
    Relu: wasmKernel('Relu'),
    Step: wasmKernel('Step'),
    Slice: wasmKernel('Slice'),
    PadV2: wasmKernel('PadV2'),
  };
  const kernels = { ...makeNativeConvKernels(addon, fallbacks), ...makeNativeTensorKernels(addon, fallbacks) };
  for (const name of NATIVE_KERNELS) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernels[name] as unknown as tf.KernelFunc });
  }
  const fused = {
    ...makeNativeRistaKernels(addon),
    ...makeNativeBatchNormKernels(addon),
    [RELU_GRAD_KERNEL]: makeNativeReluGradKernel(addon),
    [SGD_STEP_KERNEL]: makeNativeSgdKernel(addon),
  };
  for (const name of [
    ...FUSED_RISTA_KERNELS,
    ...FUSED_BATCH_NORM_KERNELS,
    RELU_GRAD_KERNEL,
    SGD_STEP_KERNEL,
  ] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fused[name] as unknown as tf.KernelFunc });
  }
  registerReluGradient();
  return [...NATIVE_KERNELS, ...FUSED_RISTA_KERNELS, ...FUSED_BATCH_NORM_KERNELS, RELU_GRAD_KERNEL, SGD_STEP_KERNEL];
}

/**
 * Puts back the kernels {@link registerNativeKernels} replaced (stock XNNPACK `Conv2D` / `FusedConv2D` and the
 * `@edl/ops` wasm backprop kernels). Returns whether anything was restored. Used by `setupBackend({ native: 'off' })`.
 */
export function unregisterNativeKernels(): boolean {
  if (!fallbacks || tf.getKernel('Conv2D', 'wasm')?.kernelFunc === (fallbacks.Conv2D as unknown)) return false;
  for (const name of NATIVE_KERNELS) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: fallbacks[name] as unknown as tf.KernelFunc,
    });
  }
  for (const name of [...FUSED_RISTA_KERNELS, ...FUSED_BATCH_NORM_KERNELS, RELU_GRAD_KERNEL, SGD_STEP_KERNEL])
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  return true;
}
