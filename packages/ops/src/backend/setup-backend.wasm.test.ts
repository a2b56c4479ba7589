import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { FUSED_BATCH_NORM_KERNELS } from '../kernels/native/native-batch-norm-kernels.ts';
import { FUSED_RISTA_KERNELS } from '../kernels/native/native-rista-kernels.ts';
import { NATIVE_KERNELS } from '../kernels/native/register-native-kernels.ts';
import { RELU_GRAD_KERNEL } from '../kernels/native/relu-gradient.ts';
import { wasmConv2DBackpropFilter } from '../kernels/wasm/wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from '../kernels/wasm/wasm-conv-backprop-input.ts';
import { SGD_STEP_KERNEL } from '../operators/sgd-step.ts';
import { defaultThreads, setupBackend } from './setup-backend.node.ts';

// Own process (vitest pool 'forks'): 'auto' initialises the wasm backend process-wide.
// Dawn (npm webgpu, a devDependency) is replaced by one that finds no adapter, so a GPU on the machine or a
// VK_ICD_FILENAMES in the environment cannot change what 'auto' picks here.
vi.mock('webgpu', () => ({ create: () => ({ requestAdapter: async () => null }), globals: {} }));

describe("setupBackend('auto') in Node without tfjs-node or webgpu", () => {
  it('picks wasm with min(cpus, 8) threads (2 on a 2-vCPU machine) and the native conv kernels', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const setup = await setupBackend();
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(defaultThreads()).toBe(Math.min(os.cpus().length, 8));
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(wasm.getThreadsCount()).toBe(Math.min(defaultThreads(), Math.max(2, os.cpus().length)));
    expect(setup.threads).toBe(wasm.getThreadsCount());
    if (os.cpus().length >= 2) expect(setup.threads).toBeGreaterThanOrEqual(2);
    expect(setup.reason).toMatch(/skipped tfjs-node: .*@tensorflow\/tfjs-node.*; webgpu: .*no WebGPU adapter found/);
    const all = new Set([
      'Cast',
      'Identity',
      ...NATIVE_KERNELS,
      ...FUSED_RISTA_KERNELS,
      ...FUSED_BATCH_NORM_KERNELS,
      RELU_GRAD_KERNEL,
      SGD_STEP_KERNEL,
    ]);
    expect(setup.kernels.sort()).toEqual([...all].sort());
    expect(setup.native?.threads).toBe(setup.threads);
    expect(setup.reason).toMatch(/convolutions native: (avx512|avx2-fma|baseline-simd128), \d+ threads?/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).not.toBe(wasmConv2DBackpropFilter);
    expect(info).toHaveBeenCalledWith(expect.stringMatching(/\[@edl\/ops\] backend: wasm/));
  });

  it("native: 'off' puts the wasm kernels back, and 'auto' registers the native ones again", async () => {
    const off = await setupBackend({ backend: 'wasm', quiet: true, native: 'off' });
    expect(off.native).toBeNull();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropInput);
    expect(tf.getKernel('EdlShrinkStep', 'wasm')).toBeUndefined();
    const y = tf.tidy(
      () =>
        tf
          .sum(tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same'))
          .dataSync()[0],
    );
    expect(y).toBe(2 * (4 * 4 + 8 * 6 + 4 * 9)); // 4 corners x 4 taps, 8 edge pixels x 6, 4 inner x 9; 2 channels
    const on = await setupBackend({ backend: 'wasm', quiet: true });
    expect(on.native).not.toBeNull();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).not.toBe(wasmConv2DBackpropFilter);
    const y2 = tf.tidy(
      () =>
        tf
          .sum(tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'same'))
          .dataSync()[0],
    );
    expect(y2).toBe(y);
  });

  it('rejects an unknown native choice, from the option or from EDL_NATIVE', async () => {
    await expect(setupBackend({ backend: 'wasm', quiet: true, native: 'yes' as never })).rejects.toThrow(
      /native must be one of "auto", "require", "off", got "yes"/,
    );
    vi.stubEnv('EDL_NATIVE', 'sometimes');
    await expect(setupBackend({ backend: 'wasm', quiet: true })).rejects.toThrow(
      /native must be one of "auto", "require", "off"/,
    );
    vi.unstubAllEnvs();
  });

  it('a second call keeps the initialised backend and its threads', async () => {
    const again = await setupBackend({ backend: 'wasm', quiet: true });
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(again.threads).toBe(wasm.getThreadsCount());
    expect(tf.getBackend()).toBe('wasm');
  });
});
