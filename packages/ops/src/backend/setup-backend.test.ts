import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { setupBackend } from './setup-backend.node.ts';

// No wasm in this file: requesting wasm would initialise it process-wide (see setup-backend.wasm.test.ts).
// The npm package webgpu is replaced by a Dawn that finds no adapter, so the result does not depend on the machine.
vi.mock('webgpu', () => ({ create: () => ({ requestAdapter: async () => null }), globals: {} }));

describe('setupBackend (Node) without wasm', () => {
  it("'cpu' activates the cpu backend and says so", async () => {
    const info = await setupBackend({ backend: 'cpu', quiet: true });
    expect(info).toEqual({ backend: 'cpu', threads: 1, reason: 'requested', kernels: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'tensorflow' without @tensorflow/tfjs-node installed throws an error naming the package", async () => {
    await expect(setupBackend({ backend: 'tensorflow', quiet: true })).rejects.toThrow(
      /needs the npm package @tensorflow\/tfjs-node .*not installed/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it("'webgpu' when Dawn finds no adapter throws naming what the GPU needs, and installs nothing", async () => {
    await expect(setupBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /backend 'webgpu': no WebGPU adapter found \(Dawn found no GPU adapter: needs a GPU, libvulkan1 and the vendor's Vulkan ICD/,
    );
    expect(tf.getBackend()).toBe('cpu');
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });

  it("'webgl' in Node throws: tfjs registers it only in browsers", async () => {
    await expect(setupBackend({ backend: 'webgl', quiet: true })).rejects.toThrow(
      /backend 'webgl' needs a browser with WebGL/,
    );
  });

  it('rejects an unknown backend, a bad thread count and bad wasmPaths', async () => {
    await expect(setupBackend({ backend: 'webgl2' as never })).rejects.toThrow(
      /backend must be one of "auto", "wasm", "webgpu", "webgl", "tensorflow", "cpu", got "webgl2"/,
    );
    await expect(setupBackend({ backend: 'cpu', threads: 0 })).rejects.toThrow(
      /threads must be an integer >= 1, got 0/,
    );
    await expect(setupBackend({ backend: 'cpu', wasmPaths: 3 as never })).rejects.toThrow(
      /wasmPaths must be a URL prefix string or a map of file name to URL, got 3/,
    );
  });
});
