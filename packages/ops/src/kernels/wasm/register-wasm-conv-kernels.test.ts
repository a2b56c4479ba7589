import { describe, expect, it } from 'vitest';
import { OpsError } from '../../errors/ops-error.ts';
import { registerNativeKernels } from '../native/register-native-kernels.ts';
import { registerWebgpuKernels } from '../webgpu/register-webgpu-kernels.ts';
import { registerWasmConvKernels } from './register-wasm-conv-kernels.ts';

// This process never imports @tensorflow/tfjs-backend-wasm (the registering paths are tested in the wasm files).

describe('registerWasmConvKernels without the wasm backend', () => {
  it('throws a clear error telling what to import', () => {
    expect(() => registerWasmConvKernels()).toThrow(
      /the wasm backend is not loaded; import @tensorflow\/tfjs-backend-wasm \(or call setupBackend\) first/,
    );
  });

  it("every register function without its backend throws OpsError 'invalid-state' naming the backend", () => {
    for (const register of [
      () => registerWasmConvKernels(),
      () => registerNativeKernels({} as never),
      () => registerWebgpuKernels(),
    ]) {
      expect(register).toThrow(OpsError);
      expect(register).toThrow(expect.objectContaining({ code: 'invalid-state', option: 'backend' }));
    }
  });
});
