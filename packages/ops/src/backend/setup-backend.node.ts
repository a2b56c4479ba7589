import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';
import { registerNativeKernels, unregisterNativeKernels } from '../kernels/native/register-native-kernels.ts';
import { registerWasmConvKernels } from '../kernels/wasm/register-wasm-conv-kernels.ts';
import type { BackendSetup, SetupBackendOptions } from './backend-options.ts';
import { loadNativeAddon } from './native-addon.ts';
import {
  activate,
  type BackendPlatform,
  type NativeRegistration,
  setupBackendOn,
  type WasmModuleLike,
} from './setup-backend-core.ts';
import { warnOnce } from './warn-once.ts';
import { installWasmThreadShim, withCpuCount } from './wasm-thread-shim.ts';
import type { GpuLike } from './webgpu-adapter.ts';

// The Node side of setupBackend: optional packages are imported by name at run time (Node resolves them from
// node_modules), the wasm thread shim and the native addon are wired in. The browser side is setup-backend.ts.

// If the page / script imported @tensorflow/tfjs-backend-wasm before @edl/ops, install the conv kernels now, so a
// plain `tf.setBackend('wasm')` gets them too (kernels may be registered before the backend initialises).
if (tf.getKernel('Conv2D', 'wasm')) registerWasmConvKernels();

/**
 * True when `err` (or an error it wraps as `cause`, as test runners do) says that `specifier` itself (not one of its
 * dependencies) cannot be found.
 */
function isModuleNotFound(err: unknown, specifier: string): boolean {
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause && isModuleNotFound(cause, specifier)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  const message = String((err as { message?: unknown } | null)?.message ?? '');
  if (!message.includes(`'${specifier}'`) && !message.includes(`"${specifier}"`)) return false;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Node: ERR_MODULE_NOT_FOUND; vite / vitest: "Could not resolve", "Failed to load url".
  return /Cannot find (module|package)|Could not resolve|Failed to (load|resolve)/.test(message);
}

/** Imports an optional peer by name; rejects with `notInstalled` when the package is missing. */
async function optionalImport<T>(specifier: string, notInstalled: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (err) {
    if (isModuleNotFound(err, specifier)) throw new OpsError('unsupported', 'backend', notInstalled);
    throw new OpsError(
      'unsupported',
      'backend',
      `setupBackend: ${specifier} is installed but failed to load: ${(err as Error).message}`,
    );
  }
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: object;
}

let dawn: DawnModule | undefined;
let dawnGpu: GpuLike | undefined;

const nodePlatform: BackendPlatform = {
  autoOrder: ['tensorflow', 'webgpu', 'wasm'],
  noAdapterHint:
    "Dawn found no GPU adapter: needs a GPU, libvulkan1 and the vendor's Vulkan ICD, e.g. VK_ICD_FILENAMES=.../nvidia_icd.json",

  async loadTensorflow() {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await optionalImport(pkg, 'missing');
      } catch (err) {
        if ((err as Error).message === 'missing') continue;
        throw err;
      }
      await activate('tensorflow');
      return `${pkg} (native libtensorflow)`;
    }
    throw new OpsError(
      'unsupported',
      'backend',
      "setupBackend: backend 'tensorflow' needs the npm package @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu), which is not installed; `npm install @tensorflow/tfjs-node` (its install downloads libtensorflow)",
    );
  },

  async loadWebgpu() {
    if (!dawnGpu) {
      const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
      if (existing) {
        dawnGpu = existing;
      } else {
        dawn = await optionalImport<DawnModule>(
          'webgpu',
          "setupBackend: backend 'webgpu' in Node needs the npm package webgpu (Dawn bindings), which is not installed; `npm install webgpu @tensorflow/tfjs-backend-webgpu`",
        );
        dawnGpu = dawn.create([]);
      }
    }
    return dawnGpu;
  },

  async installWebgpu(gpu) {
    const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
    if (nav?.gpu !== gpu) {
      if (dawn) Object.assign(globalThis, dawn.globals);
      Object.defineProperty(globalThis, 'navigator', {
        value: { ...nav, gpu },
        configurable: true,
        writable: true,
      });
    }
    await optionalImport(
      '@tensorflow/tfjs-backend-webgpu',
      "setupBackend: backend 'webgpu' needs the npm package @tensorflow/tfjs-backend-webgpu, which is not installed; `npm install @tensorflow/tfjs-backend-webgpu`",
    );
  },

  async startWasm(o) {
    const wasm = await optionalImport<WasmModuleLike>(
      '@tensorflow/tfjs-backend-wasm',
      "setupBackend: backend 'wasm' needs the npm package @tensorflow/tfjs-backend-wasm, which is not installed; `npm install @tensorflow/tfjs-backend-wasm`",
    );
    // Not tf.findBackend: it would start initialising wasm in the background, before the thread flags are set.
    if ('wasm' in tf.engine().registry) {
      await activate('wasm'); // already initialised in this process: threads are fixed at first init
    } else if (o.threads > 1) {
      try {
        const shim = installWasmThreadShim();
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
        wasm.setThreadsCount(o.threads);
        // tfjs caps threads at os.cpus().length / 2 (1 on a 2-vCPU machine): report enough cores while it initialises.
        await withCpuCount(2 * o.threads, () => activate('wasm'));
        shim.unrefWorkers();
      } catch (err) {
        warnOnce(
          `wasm multithreading failed (${(err as Error).message}); falling back to 1 thread, so convolutions run about 2x slower. Fix: report this with your Node and @tensorflow/tfjs-backend-wasm versions (the shim targets 4.22.0).`,
        );
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        wasm.setThreadsCount(1);
        // The failed start left the factory registered: a second setBackend runs it again, single-threaded.
        await activate('wasm');
      }
    } else {
      wasm.setThreadsCount(1);
      await activate('wasm');
    }
    const actual = wasm.getThreadsCount();
    if (o.threads > 1 && actual < o.threads) {
      warnOnce(`wasm asked for ${o.threads} threads but runs ${actual}; convolutions are slower than they could be.`);
    }
    return { wasm, note: '' };
  },

  async registerNative(o): Promise<NativeRegistration | null> {
    if (o.native === 'off') {
      unregisterNativeKernels();
      return null;
    }
    const loaded = await loadNativeAddon();
    if (loaded.addon) {
      const n = loaded.addon.setThreads(o.threads);
      const native = { isa: loaded.addon.info().isa, threads: n };
      const kernels = registerNativeKernels(loaded.addon);
      return { kernels, native, note: ` (convolutions native: ${native.isa}, ${n} thread${n === 1 ? '' : 's'})` };
    }
    if (o.native === 'require') {
      throw new OpsError(
        'unsupported',
        'native',
        `setupBackend: native conv kernels required (native: 'require') but ${loaded.reason}`,
      );
    }
    warnOnce(
      `native conv kernels unavailable: ${loaded.reason}. Convolutions run on the wasm kernels instead, 2-4x slower.`,
    );
    return null;
  },
};

/** Default wasm threads in Node: `min(os.cpus().length, 8)`. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(os.cpus().length, 8));
}

/**
 * Selects and initialises the tfjs backend, verifies it is really active (tfjs silently stays on `cpu`
 * otherwise) and registers the fast kernels of `@edl/ops`. This is the Node version (the `node` export condition).
 *
 * `'auto'` tries, in order: `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` if installed; WebGPU if the npm
 * packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` are installed and Dawn finds a hardware adapter (a
 * software fallback adapter such as SwiftShader is skipped, and the reason says so; request `'webgpu'` by name to
 * use it); wasm (SIMD, multithreaded through a Node shim) with the `@edl/ops` conv kernels and, when built, the
 * native ones; last the pure-JS `cpu` backend with a loud warning. An explicitly requested backend that cannot
 * start throws an Error naming the missing npm package.
 *
 * @example
 * const info = await setupBackend({ backend: 'auto' });
 * console.log(info.backend, info.threads, info.reason);
 */
export function setupBackend(options: SetupBackendOptions = {}): Promise<BackendSetup> {
  return setupBackendOn(nodePlatform, options, defaultThreads());
}
