import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { wasmConv2DBackpropFilter } from '../kernels/wasm/wasm-conv-backprop-filter.ts';
import { wasmConv2DBackpropInput } from '../kernels/wasm/wasm-conv-backprop-input.ts';
import { setupBackend } from './setup-backend.ts';

// The browser setupBackend (the `default` export condition), run under Node: it only uses what a page has
// (globals, backends registered with tfjs), so the page is simulated with globals. Own process: wasm initialises.

const wasmDist = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;

describe('setupBackend (browser entry)', () => {
  it('registers the @edl/ops wasm kernels at import, before any backend initialises', () => {
    expect('wasm' in tf.engine().registry).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(wasmConv2DBackpropInput);
  });

  it("names what is missing for 'webgpu', 'tensorflow' and native: 'require'", async () => {
    await tf.setBackend('cpu');
    await expect(setupBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /this browser has no WebGPU \(navigator\.gpu is undefined\)/,
    );
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null }, hardwareConcurrency: 4 });
    await expect(setupBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /needs @tensorflow\/tfjs-backend-webgpu; `import '@tensorflow\/tfjs-backend-webgpu'` in the page/,
    );
    vi.unstubAllGlobals();
    await expect(setupBackend({ backend: 'tensorflow', quiet: true })).rejects.toThrow(/needs Node\.js/);
    await expect(setupBackend({ backend: 'wasm', native: 'require', quiet: true })).rejects.toThrow(
      /native conv kernels required \(native: 'require'\) but they need Node\.js/,
    );
    expect(tf.getBackend()).not.toBe('webgpu');
  });

  it("'auto' without WebGPU picks wasm at the wasmPaths given, 1 thread when not cross-origin isolated, and warns", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.stubGlobal('crossOriginIsolated', false);
    const setup = await setupBackend({ quiet: true, threads: 4, wasmPaths: wasmDist });
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(setup.threads).toBe(1);
    expect(setup.native).toBeNull();
    expect(setup.kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
    expect(setup.reason).toMatch(/^auto: wasm \(XNNPACK, SIMD\) \(not cross-origin isolated: 1 thread\), 1 thread/);
    expect(setup.reason).toMatch(/skipped webgpu: .*navigator\.gpu is undefined/);
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(
        /wasm runs 1 thread instead of 4: the page is not cross-origin isolated.*Cross-Origin-Embedder-Policy: require-corp \(not from a Vite production build/,
      ),
    );
    vi.unstubAllGlobals();
  });

  it('the kernels registered at import serve a plain conv2d weight gradient on wasm (cpu as reference)', async () => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const loss = (f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same')));
    const onWasm = await tf.grad(loss)(w).data();
    await tf.setBackend('cpu');
    const onCpu = await tf.grad(loss)(w).data();
    for (let i = 0; i < onCpu.length; i++) expect(onWasm[i]).toBeCloseTo(onCpu[i]!, 3);
    expect(Math.max(...Array.from(onCpu, Math.abs))).toBeGreaterThan(1);
    tf.dispose([x, w]);
  });
});
