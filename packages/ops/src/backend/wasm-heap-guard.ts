import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';

// tfjs-backend-wasm 4.22 does not check its allocations: when the wasm heap cannot grow (4 GB is the most a wasm32
// heap holds), `malloc` returns 0 and the backend places the new tensor at offset 0, over live data; the next op
// fails or hangs, or the process dies with "memory access out of bounds". This guard checks every allocation the
// backend makes from JavaScript (every tensor, including the outputs of our native kernels), turns a failure into an
// OpsError of code 'out-of-memory' that names the fixes, and from then on makes the backend refuse every op until
// setupBackend starts a fresh one: the C++ side of the backend may have hit the same wall in an allocation no one
// checked, so nothing in that heap can be trusted any more.

/** What the fixes are, in the words of the packages above `@edl/ops`. */
export const OUT_OF_MEMORY_FIXES =
  'Fix: a smaller batch size, gradient accumulation (train({ accumulate: k }) in @edl/training, `edl train --accumulate k`: k micro-batches per optimizer step, the same effective batch), recomputation of the dictionary layers in the backward pass (resnet({ recompute: true }) or recomputeStages), or a backend whose memory is not the wasm heap (webgpu, tensorflow)';

/** The parts of tfjs-backend-wasm's `BackendWasm` the guard wraps (4.22.0). */
interface GuardedWasmBackend {
  wasm: { _malloc(bytes: number): number; HEAPU8: Uint8Array } | null;
  dataIdMap: { delete(dataId: tf.DataId): void; has(dataId: tf.DataId): boolean };
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: tf.DataId, start?: number, end?: number): tf.BackendValues;
  read(dataId: tf.DataId): Promise<tf.BackendValues>;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: unknown): tf.TensorInfo;
}

/** Why each guarded backend refuses to run (absent: it runs). */
const broken = new WeakMap<object, string>();
const guarded = new WeakSet<object>();
/** Per kernel call in progress (innermost last), the outputs its kernel allocated: freed if the kernel throws. */
const frames: { backend: GuardedWasmBackend; made: tf.TensorInfo[] }[] = [];

const GiB = 2 ** 30;
function size(bytes: number): string {
  return bytes >= GiB / 4 ? `${(bytes / GiB).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function refusal(reason: string): OpsError {
  return new OpsError(
    'invalid-state',
    'backend',
    `wasm backend: refusing to run on a heap that may be corrupt (${reason}). Every op on this backend now fails: call setupBackend() again to start a fresh wasm backend (the tensors and models of the old one are lost; build or load them again). ${OUT_OF_MEMORY_FIXES}.`,
  );
}

/** The OpsError for a heap that could not hold `bytes` more; marks `backend` broken. */
function exhausted(backend: GuardedWasmBackend, bytes: number, what: string): OpsError {
  const heap = backend.wasm?.HEAPU8.length ?? 0;
  const reason = `the wasm heap is exhausted: ${what} of ${size(bytes)} did not fit (heap at ${size(heap)}, at most 4 GiB)`;
  broken.set(backend, reason);
  return new OpsError(
    'out-of-memory',
    'batchSize',
    `${reason}. All tensors of the wasm backend live in this one heap, and a training step's tape grows with the batch size. ${OUT_OF_MEMORY_FIXES}. This backend now refuses every op; call setupBackend() again to start a fresh one.`,
  );
}

/** Why `backend` refuses to run, or undefined when it runs (or is not guarded). */
export function wasmHeapBroken(backend: object | undefined): string | undefined {
  return backend ? broken.get(backend) : undefined;
}

function guardEngine(): void {
  const engine = tf.engine() as unknown as {
    backendName: string | null;
    backendInstance: object | null;
    runKernelFunc(params: unknown): unknown;
    __edlHeapGuard?: true;
  };
  if (engine.__edlHeapGuard) return;
  const run = engine.runKernelFunc;
  engine.runKernelFunc = function guardedRunKernelFunc(this: typeof engine, params: unknown) {
    const backend = this.backendName === 'wasm' ? this.backendInstance : null;
    const reason = backend ? broken.get(backend) : undefined;
    if (reason) throw refusal(reason);
    if (!backend || !guarded.has(backend)) return run.call(this, params);
    const frame = { backend: backend as GuardedWasmBackend, made: [] as tf.TensorInfo[] };
    frames.push(frame);
    try {
      return run.call(this, params);
    } catch (err) {
      if (broken.has(backend)) throw err;
      if (err instanceof WebAssembly.RuntimeError) {
        // a trap inside the wasm module (an unchecked allocation of its C++ side, typically): its state is unknown,
        // so nothing is freed into it
        broken.set(backend, `a wasm trap: ${err.message.split('\n')[0]}`);
        throw new OpsError(
          'out-of-memory',
          'batchSize',
          `wasm backend: the wasm module trapped (${err.message.split('\n')[0]}), most likely because its heap is exhausted (heap at ${size((backend as GuardedWasmBackend).wasm?.HEAPU8.length ?? 0)}, at most 4 GiB). ${OUT_OF_MEMORY_FIXES}. This backend now refuses every op; call setupBackend() again to start a fresh one.`,
        );
      }
      // the engine never saw the outputs of a kernel that threw (e.g. a native kernel out of scratch memory)
      for (const t of frame.made) frame.backend.disposeData(t.dataId, true);
      if ((err as { code?: unknown } | null)?.code === 'EDL_OUT_OF_MEMORY') {
        // a scratch buffer of a native kernel (outside the wasm heap, which stays intact)
        throw new OpsError(
          'out-of-memory',
          'batchSize',
          `${(err as Error).message}: the process is out of memory. ${OUT_OF_MEMORY_FIXES}.`,
        );
      }
      throw err;
    } finally {
      frames.pop();
    }
  };
  engine.__edlHeapGuard = true;
}

/**
 * Guards the active wasm backend of tfjs against heap exhaustion (idempotent; {@link setupBackend} calls it): a
 * failed allocation throws an {@link OpsError} of code `'out-of-memory'` naming the fixes (batch size, gradient
 * accumulation, recomputation) instead of placing the tensor over live data, and from then on every op, read and
 * write on that backend throws (`'invalid-state'`) until `setupBackend()` starts a fresh one. A trap of the wasm
 * module during an op counts as the same failure.
 */
export function guardWasmHeap(): void {
  const backend = tf.findBackend('wasm') as unknown as GuardedWasmBackend | null;
  if (!backend?.wasm || guarded.has(backend)) {
    if (backend) guardEngine();
    return;
  }
  const wasm = backend.wasm;
  const malloc = wasm._malloc;
  let what = 'an allocation';
  const guardedMalloc = (bytes: number) => {
    const reason = broken.get(backend);
    if (reason) throw refusal(reason);
    const p = malloc.call(wasm, bytes);
    // Emscripten's lazy export stub replaces Module._malloc with the raw export on its first call: put ours back
    wasm._malloc = guardedMalloc;
    if (p === 0 && bytes > 0) throw exhausted(backend, bytes, what);
    return p;
  };
  wasm._malloc = guardedMalloc;
  const { move, readSync, read, disposeData, makeOutput } = backend;
  backend.move = function guardedMove(dataId, values, shape, dtype, refCount) {
    const reason = broken.get(backend);
    if (reason) throw refusal(reason);
    what = `a ${dtype} tensor of shape [${shape.join(',')}]`;
    try {
      move.call(this, dataId, values, shape, dtype, refCount);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError && !broken.has(backend)) {
        // the backend's own bookkeeping (a C++ map insert) could not allocate
        if (this.dataIdMap.has(dataId)) this.dataIdMap.delete(dataId);
        throw exhausted(backend, 0, `the bookkeeping of ${what}`);
      }
      throw err;
    } finally {
      what = 'an allocation';
    }
  };
  backend.makeOutput = function guardedMakeOutput(shape, dtype, memoryOffset, values) {
    const reason = broken.get(backend);
    if (reason) throw refusal(reason);
    if (memoryOffset === 0 && tf.util.sizeFromShape(shape) > 0) {
      // memory the C++ side allocated for the output (null: its malloc failed)
      throw exhausted(backend, tf.util.sizeFromShape(shape) * 4, `an output of shape [${shape.join(',')}]`);
    }
    const out = makeOutput.call(this, shape, dtype, memoryOffset, values);
    const frame = frames.at(-1);
    if (frame?.backend === backend) frame.made.push(out);
    return out;
  };
  backend.readSync = function guardedReadSync(dataId, start, end) {
    const reason = broken.get(backend);
    if (reason) throw refusal(reason);
    return readSync.call(this, dataId, start, end);
  };
  backend.read = function guardedRead(dataId) {
    const reason = broken.get(backend);
    return reason ? Promise.reject(refusal(reason)) : read.call(this, dataId);
  };
  backend.disposeData = function guardedDisposeData(dataId, force) {
    if (broken.has(backend)) {
      // do not touch a heap that may be corrupt (freeing into it may trap or hang): forget the tensor
      this.dataIdMap.delete(dataId);
      return true;
    }
    return disposeData.call(this, dataId, force);
  };
  guarded.add(backend);
  guardEngine();
}

/**
 * Removes a broken wasm backend (see {@link guardWasmHeap}) from tfjs and registers its factory again, so that the
 * next `setBackend('wasm')` starts a fresh module with an empty heap. Returns whether it did.
 */
export function dropBrokenWasmBackend(): boolean {
  const engine = tf.engine() as unknown as {
    registry: Record<string, object>;
    registryFactory: Record<string, { priority: number }>;
  };
  const backend = engine.registry.wasm;
  if (!backend || !broken.has(backend)) return false;
  const factory = tf.findBackendFactory('wasm');
  const priority = engine.registryFactory.wasm?.priority ?? 2;
  if (!factory) return false;
  // tfjs disposes the old backend here: do not let it call into the broken module (freeing may trap or hang); stop
  // its threads and let the garbage collector take the rest
  const old = backend as { wasm: { PThread?: { terminateAllThreads(): void } } | null; dispose(): void };
  old.dispose = () => {
    old.wasm?.PThread?.terminateAllThreads();
    old.wasm = null;
  };
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, priority);
  return true;
}
