import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from './setup-backend.ts';

// No wasm in this file: requesting wasm would initialise it process-wide (see setup-backend.wasm.test.ts).

describe('setupBackend without wasm', () => {
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

  it("'webgpu' without the webgpu package (or, with it, without an adapter) throws an error naming it", async () => {
    // webgpu is a root devDependency (the webgpu kernel tests); without a Vulkan ICD Dawn finds no adapter
    await expect(setupBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /needs the npm package webgpu|Dawn found no GPU adapter/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend and a bad thread count', async () => {
    await expect(setupBackend({ backend: 'webgl2' as never })).rejects.toThrow(
      /backend: expected one of auto, wasm, webgpu, tensorflow, cpu, got "webgl2"/,
    );
    await expect(setupBackend({ backend: 'cpu', threads: 0 })).rejects.toThrow(
      /threads: expected a positive integer, got 0/,
    );
  });
});
