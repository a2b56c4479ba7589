import { describe, expect, it } from 'vitest';
import { registerWasmConvKernels } from './register-wasm-conv-kernels.ts';

// This process never imports @tensorflow/tfjs-backend-wasm (the registering paths are tested in the wasm files).

describe('registerWasmConvKernels without the wasm backend', () => {
  it('throws a clear error telling what to import', () => {
    expect(() => registerWasmConvKernels()).toThrow(
      /the wasm backend is not loaded; import @tensorflow\/tfjs-backend-wasm \(or call setupBackend\) first/,
    );
  });
});
