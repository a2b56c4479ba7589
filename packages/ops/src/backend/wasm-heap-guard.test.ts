import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { OpsError } from '../errors/ops-error.ts';
import { loadNativeAddon } from './native-addon.ts';
import { setupBackend } from './setup-backend.node.ts';
import { wasmHeapBroken } from './wasm-heap-guard.ts';

// Own process (vitest pool 'forks'). The wasm heap is capped by making WebAssembly.Memory.prototype.grow fail past
// a limit, which is how heap growth fails at wasm32's 4 GiB (Emscripten's emscripten_resize_heap catches the
// RangeError and malloc returns 0): the real failure path, at a few tens of MiB instead of 4 GiB.

const MiB = 2 ** 20;
const grow = WebAssembly.Memory.prototype.grow;
let cap = Number.POSITIVE_INFINITY;
WebAssembly.Memory.prototype.grow = function cappedGrow(this: WebAssembly.Memory, pages: number) {
  if (this.buffer.byteLength + pages * 65536 > cap) throw new RangeError('WebAssembly.Memory.grow(): capped by test');
  return grow.call(this, pages);
};
afterAll(() => {
  WebAssembly.Memory.prototype.grow = grow;
});

interface WasmBackendInternals {
  wasm: { HEAPU8: Uint8Array };
  getMemoryOffset(dataId: tf.DataId): number;
  numDataIds(): number;
}
const backend = () => tf.backend() as unknown as WasmBackendInternals;
/** A fresh wasm backend whose heap may grow by `room` bytes more. */
async function freshBackend(room: number) {
  cap = Number.POSITIVE_INFINITY;
  await setupBackend({ backend: 'wasm', threads: 1, quiet: true });
  cap = backend().wasm.HEAPU8.length + room;
}
/** The values of `t` straight from the heap, past the guard (which refuses reads once the heap ran out). */
function rawValues(t: tf.Tensor): Float32Array {
  const b = backend();
  return new Float32Array(b.wasm.HEAPU8.buffer, b.getMemoryOffset(t.dataId), t.size).slice();
}

const refused = expect.objectContaining({
  name: 'OpsError',
  code: 'invalid-state',
  option: 'backend',
  message: expect.stringMatching(
    /^wasm backend: refusing to run on a heap that may be corrupt \(.*call setupBackend\(\) again/,
  ),
});

describe('wasm heap exhaustion', () => {
  let live: tf.Tensor | undefined;

  it('throws a clear out-of-memory OpsError instead of placing a tensor over a live one', async () => {
    await freshBackend(40 * MiB);
    const n = (24 * MiB) / 4;
    const a = tf.fill([n], 1);
    const b = tf.fill([n], 2);
    live = a;
    let err: unknown;
    try {
      tf.fill([n], 3); // 72 MiB in all: more than the 40 MiB of growth and the free part of the 16 MiB start
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpsError);
    expect(err).toMatchObject({ code: 'out-of-memory', option: 'batchSize' });
    const message = (err as Error).message;
    expect(message).toMatch(
      /the wasm heap is exhausted: a float32 tensor of shape \[6291456\] of 24\.0 MiB did not fit/,
    );
    expect(message).toMatch(/smaller batch size/);
    expect(message).toMatch(/--accumulate k/);
    expect(message).toMatch(/recompute/);
    expect(message).toMatch(/call setupBackend\(\) again/);
    // the live tensors are intact (read past the guard)
    expect(rawValues(a).every((v) => v === 1)).toBe(true);
    expect(rawValues(b).every((v) => v === 2)).toBe(true);
  });

  it('then refuses every op, read and write on that backend, naming the way out', async () => {
    expect(wasmHeapBroken(tf.backend())).toMatch(/the wasm heap is exhausted/);
    const a = live!;
    expect(() => tf.tensor1d([1, 2, 3])).toThrow(refused);
    expect(() => tf.ones([4])).toThrow(refused);
    expect(() => tf.add(a, a)).toThrow(refused);
    expect(() => a.dataSync()).toThrow(refused);
    await expect(a.data()).rejects.toThrow(refused);
    // disposing stays possible (tf.tidy cleans up after the error) and does not touch the heap
    expect(() => a.dispose()).not.toThrow();
  });

  it('setupBackend() starts a fresh wasm backend that computes correctly', async () => {
    cap = Number.POSITIVE_INFINITY;
    const setup = await setupBackend({ backend: 'wasm', threads: 1, quiet: true });
    expect(setup.backend).toBe('wasm');
    expect(setup.reason).toMatch(/a fresh heap \(the previous one ran out\)/);
    expect(wasmHeapBroken(tf.backend())).toBeUndefined();
    const y = tf.add(tf.tensor1d([1, 2, 3]), tf.scalar(1));
    expect(Array.from(await y.data())).toEqual([2, 3, 4]);
    // a conv (native or XNNPACK) against a hand count: all-ones 3x3 'valid' over all-ones 2 channels = 18
    const c = tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'valid');
    expect(Array.from(await c.data())).toEqual(new Array(36).fill(18));
    tf.dispose([y, c]);
  });

  it('a native conv kernel whose output does not fit fails the same way', async () => {
    await freshBackend(16 * MiB);
    const x = tf.ones([1, 128, 128, 8]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 8, 512]) as tf.Tensor4D;
    expect(() => tf.conv2d(x, w, 1, 'same')).toThrow(
      expect.objectContaining({
        code: 'out-of-memory',
        message: expect.stringMatching(/a float32 tensor of shape \[1,128,128,512\] of 32\.0 MiB did not fit/),
      }),
    );
    expect(() => tf.relu(x)).toThrow(refused);
  });

  it('a native kernel out of scratch memory throws out-of-memory, frees its output and the backend works on', async () => {
    const loaded = await loadNativeAddon();
    if (!loaded.addon) {
      console.warn(`skipped: the native addon is not built (${loaded.reason}); it builds at pnpm install (g++, make)`);
      return;
    }
    const addon = loaded.addon;
    await freshBackend(256 * MiB);
    const x = tf.randomUniform([1, 12, 12, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 8) as tf.Tensor4D;
    const want = await tf.conv2d(x, w, 1, 'same').data();
    const ids = backend().numDataIds();
    const tensors = tf.memory().numTensors;
    addon.debugFailAllocations(0);
    let err: unknown;
    try {
      tf.conv2d(x, w, 1, 'same');
    } catch (e) {
      err = e;
    } finally {
      addon.debugFailAllocations(-1);
    }
    expect(err).toMatchObject({
      name: 'OpsError',
      code: 'out-of-memory',
      message: expect.stringMatching(
        /conv2dForward: out of memory .*: the process is out of memory\. Fix: a smaller batch size/,
      ),
    });
    expect(backend().numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmHeapBroken(tf.backend())).toBeUndefined();
    expect(Array.from(await tf.conv2d(x, w, 1, 'same').data())).toEqual(Array.from(want));
  });

  it('a trap of the wasm module during an op is reported as out of memory, and the backend refuses afterwards', async () => {
    await freshBackend(256 * MiB);
    tf.registerKernel({
      kernelName: 'EdlTestTrap',
      backendName: 'wasm',
      kernelFunc: ({ backend: b }) => {
        (b as unknown as { makeOutput(s: number[], d: string): unknown }).makeOutput([4], 'float32');
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      },
    });
    const x = tf.ones([4]);
    expect(() => tf.engine().runKernel('EdlTestTrap', { x }, {})).toThrow(
      expect.objectContaining({
        code: 'out-of-memory',
        message: expect.stringMatching(
          /^wasm backend: the wasm module trapped \(memory access out of bounds\), most likely/,
        ),
      }),
    );
    expect(wasmHeapBroken(tf.backend())).toMatch(/a wasm trap: memory access out of bounds/);
    expect(() => tf.neg(x)).toThrow(refused);
    tf.unregisterKernel('EdlTestTrap', 'wasm');
    await freshBackend(256 * MiB);
    expect(Array.from(await tf.neg(tf.ones([2])).data())).toEqual([-1, -1]);
  });
});
