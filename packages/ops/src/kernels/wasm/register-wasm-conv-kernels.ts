import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../../errors/ops-error.ts';
import { wasmConv2DBackpropFilter } from './wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from './wasm-conv-backprop-input.ts';
import type { KernelArgs } from './wasm-kernel-utils.ts';
import { makeWasmCast, wasmIdentity } from './wasm-zero-copy-kernels.ts';

/** Names of the kernels {@link registerWasmConvKernels} installs on the wasm backend. */
export const WASM_CONV_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity', 'Cast'] as const;

/** Options of {@link registerWasmConvKernels}. */
export interface RegisterWasmConvKernelsOptions {
  /**
   * Which kernels to install (default all). `Identity` and same-dtype `Cast` become zero-copy. The bench uses
   * `['Conv2DBackpropFilter']` to measure the stock `Conv2DBackpropInput`, since stock wasm cannot run a conv
   * backward pass at all without the filter gradient.
   */
  kernels?: ReadonlyArray<(typeof WASM_CONV_KERNELS)[number]>;
}

const registered = new Set<string>();

function install(name: string, fn: (args: KernelArgs) => tf.TensorInfo): void {
  if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
  registered.add(name);
}

/**
 * Registers the fast wasm kernels of `@edl/ops` over the wasm backend: `Conv2DBackpropFilter` (missing
 * upstream) and `Conv2DBackpropInput` (upstream is a naive single-threaded loop), both built on the XNNPACK
 * `Conv2D`, plus zero-copy `Identity` and same-dtype `Cast` (upstream copies the tensor). Requires
 * `@tensorflow/tfjs-backend-wasm` to be imported (its stock kernels are the building blocks). Safe to call again. {@link setupBackend} calls it for you. Returns the names of the kernels now installed.
 */
export function registerWasmConvKernels(options: RegisterWasmConvKernelsOptions = {}): string[] {
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new OpsError(
      'invalid-state',
      'backend',
      'registerWasmConvKernels: the wasm backend is not loaded; import @tensorflow/tfjs-backend-wasm (or call setupBackend) first',
    );
  }
  const wanted = options.kernels ?? WASM_CONV_KERNELS;
  for (const name of wanted) {
    if (name === 'Conv2DBackpropFilter') install(name, wasmConv2DBackpropFilter);
    else if (name === 'Conv2DBackpropInput') install(name, wasmConv2DBackpropInput);
    else if (name === 'Identity') install(name, wasmIdentity);
    else if (name === 'Cast') {
      if (!registered.has('Cast')) install(name, makeWasmCast(tf.getKernel('Cast', 'wasm')!.kernelFunc));
    } else
      throw new OpsError(
        'invalid-option',
        'kernels',
        `registerWasmConvKernels: unknown kernel '${String(name)}', expected one of ${WASM_CONV_KERNELS.join(', ')}`,
      );
  }
  return [...registered].filter((n) => (wanted as readonly string[]).includes(n));
}
