import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { defaultThreads, setupBackend } from './setup-backend.ts';
import { wasmConv2DBackpropFilter } from './wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from './wasm-conv-backprop-input.ts';

// Own process (vitest pool 'forks'): 'auto' initialises the wasm backend process-wide.

describe("setupBackend('auto') in Node without tfjs-node or webgpu", () => {
  it('picks wasm with min(cpus, 8) threads (2 on a 2-vCPU machine) and our conv kernels', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const setup = await setupBackend();
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(defaultThreads()).toBe(Math.min(os.cpus().length, 8));
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(wasm.getThreadsCount()).toBe(Math.min(defaultThreads(), Math.max(2, os.cpus().length)));
    expect(setup.threads).toBe(wasm.getThreadsCount());
    if (os.cpus().length >= 2) expect(setup.threads).toBeGreaterThanOrEqual(2);
    expect(setup.reason).toMatch(/skipped tfjs-node: .*@tensorflow\/tfjs-node.*; webgpu: .*webgpu/);
    expect(setup.kernels.sort()).toEqual(['Cast', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity']);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropInput);
    expect(info).toHaveBeenCalledWith(expect.stringMatching(/\[@edl\/ops\] backend: wasm/));
  });

  it('a second call keeps the initialised backend and its threads', async () => {
    const again = await setupBackend({ backend: 'wasm', quiet: true });
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(again.threads).toBe(wasm.getThreadsCount());
    expect(tf.getBackend()).toBe('wasm');
  });
});
