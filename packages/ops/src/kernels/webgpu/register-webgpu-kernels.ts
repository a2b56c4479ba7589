import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../../errors/ops-error.ts';
import { makeConv2DBackpropFilter, makeConv2DBackpropInput } from './webgpu-conv-backprop.ts';
import type { WebgpuKernel } from './webgpu-program.ts';
import {
  webgpuElasticResidual,
  webgpuElasticResidualGrad,
  webgpuShrinkStep,
  webgpuShrinkStepGrad,
} from './webgpu-rista-kernels.ts';

/** Names of the webgpu-backend kernels {@link registerWebgpuKernels} installs. */
export const WEBGPU_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'EdlElasticResidual',
  'EdlElasticResidualGrad',
  'EdlShrinkStep',
  'EdlShrinkStepGrad',
] as const;

/** tfjs' own conv backprop kernels, captured once (so a second call never falls back onto ours). */
let fallbacks: { Conv2DBackpropFilter: tf.KernelFunc; Conv2DBackpropInput: tf.KernelFunc } | undefined;

/**
 * Registers the WGSL kernels of `@edl/ops` over `@tensorflow/tfjs-backend-webgpu`: `Conv2DBackpropFilter` and
 * `Conv2DBackpropInput` as tiled implicit GEMMs (the filter gradient split over its long reduction; tfjs runs it
 * as one naive loop per filter element), and the fused RISTA kernels (`EdlElasticResidual`, `EdlShrinkStep` and
 * their gradients), which make `fusedRistaAvailable()` true on webgpu so `rista` uses them. Conv calls other than
 * NHWC float32 go to tfjs' kernels.
 *
 * Needs `@tensorflow/tfjs-backend-webgpu` imported first (this module never imports it, so it is safe to load
 * without it, in Node or a browser); throws otherwise. Safe to call again. Returns the names of the kernels
 * installed.
 */
export function registerWebgpuKernels(): string[] {
  const filter = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  const input = tf.getKernel('Conv2DBackpropInput', 'webgpu');
  if (!filter || !input) {
    throw new OpsError(
      'invalid-state',
      'backend',
      'registerWebgpuKernels: the webgpu backend is not loaded; import @tensorflow/tfjs-backend-webgpu (or call setupBackend({ backend: "webgpu" })) first',
    );
  }
  fallbacks ??= { Conv2DBackpropFilter: filter.kernelFunc, Conv2DBackpropInput: input.kernelFunc };
  const kernels: Record<(typeof WEBGPU_KERNELS)[number], WebgpuKernel> = {
    Conv2DBackpropFilter: makeConv2DBackpropFilter(fallbacks.Conv2DBackpropFilter),
    Conv2DBackpropInput: makeConv2DBackpropInput(fallbacks.Conv2DBackpropInput),
    EdlElasticResidual: webgpuElasticResidual,
    EdlElasticResidualGrad: webgpuElasticResidualGrad,
    EdlShrinkStep: webgpuShrinkStep,
    EdlShrinkStepGrad: webgpuShrinkStepGrad,
  };
  for (const name of WEBGPU_KERNELS) {
    if (tf.getKernel(name, 'webgpu')) tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: kernels[name] as unknown as tf.KernelFunc,
    });
  }
  return [...WEBGPU_KERNELS];
}

/**
 * Puts back tfjs' own `Conv2DBackpropFilter` / `Conv2DBackpropInput` on webgpu and removes the fused RISTA
 * kernels (so `fusedRistaAvailable()` is false there again). Returns whether anything was restored.
 */
export function unregisterWebgpuKernels(): boolean {
  if (!fallbacks || tf.getKernel('Conv2DBackpropFilter', 'webgpu')?.kernelFunc === fallbacks.Conv2DBackpropFilter) {
    return false;
  }
  for (const name of WEBGPU_KERNELS) if (tf.getKernel(name, 'webgpu')) tf.unregisterKernel(name, 'webgpu');
  for (const [name, fn] of Object.entries(fallbacks)) {
    tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: fn });
  }
  return true;
}
