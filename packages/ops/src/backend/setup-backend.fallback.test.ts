import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

// Simulates a broken multithreading shim: setupBackend must fall back to 1 thread and warn loudly.
vi.mock('./wasm-thread-shim.ts', () => ({
  installWasmThreadShim: () => {
    throw new Error('simulated shim failure');
  },
  withCpuCount: <T>(_n: number, fn: () => Promise<T>) => fn(),
}));

describe('setupBackend when the wasm thread shim fails', () => {
  it('falls back to 1 thread, warns once with the reason, and still registers the kernels', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { setupBackend } = await import('./setup-backend.node.ts');
    const setup = await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(setup.threads).toBe(1);
    expect(setup.kernels).toContain('Conv2DBackpropFilter');
    const messages = warn.mock.calls.map((c) => String(c[0]));
    expect(
      messages.some((m) =>
        /WARNING: wasm multithreading failed \(simulated shim failure\); falling back to 1 thread/.test(m),
      ),
    ).toBe(true);
  });
});
