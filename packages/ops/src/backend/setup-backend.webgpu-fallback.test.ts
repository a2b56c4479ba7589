import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { setupBackend } from './setup-backend.node.ts';

// Dawn that only finds SwiftShader (what VK_ICD_FILENAMES=.../vk_swiftshader_icd.json gives on a machine without a
// GPU): 'auto' must not pick it. Own process: 'auto' then initialises wasm.
vi.mock('webgpu', () => ({
  create: () => ({
    requestAdapter: async () => ({
      info: {
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader driver 5.0.0',
        isFallbackAdapter: true,
      },
    }),
  }),
  globals: {},
}));

describe("setupBackend('auto') with only a software WebGPU adapter", () => {
  it('skips the fallback adapter, says why, and installs no WebGPU globals', async () => {
    const setup = await setupBackend({ quiet: true, threads: 1, native: 'off' });
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(setup.adapter).toBeUndefined();
    expect(setup.reason).toMatch(
      /webgpu: only a software fallback adapter, google swiftshader \(SwiftShader driver 5\.0\.0\), which is slower than wasm, so 'auto' skips it \(request backend 'webgpu' by name to use it\)/,
    );
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });
});
