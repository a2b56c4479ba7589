import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { OpsError } from '../errors/ops-error.ts';
import { registerWasmConvKernels } from '../kernels/wasm/register-wasm-conv-kernels.ts';
import type { BackendSetup, SetupBackendOptions } from './backend-options.ts';
import { activate, type BackendPlatform, setupBackendOn } from './setup-backend-core.ts';
import { warnOnce } from './warn-once.ts';
import type { GpuLike } from './webgpu-adapter.ts';

// The browser side of setupBackend (the default export condition): no Node built-in and no import by a computed
// name (a page cannot resolve one). Backends come from what the page registered with tfjs: cpu and webgl from
// @tensorflow/tfjs, wasm from the static import above, webgpu when the page imports @tensorflow/tfjs-backend-webgpu.
// The Node side is setup-backend.node.ts.

// The wasm backend is registered by the import above: install the @edl/ops conv kernels now, so that a plain
// `tf.setBackend('wasm')` gets them as well as setupBackend (tfjs takes kernels before the backend initialises).
registerWasmConvKernels();

let pathsSet: string | Record<string, string> | undefined;

const browserPlatform: BackendPlatform = {
  autoOrder: ['webgpu', 'wasm', 'webgl'],
  noAdapterHint: 'navigator.gpu.requestAdapter() returned null: WebGPU is disabled or there is no usable GPU',

  async loadTensorflow() {
    throw new OpsError(
      'unsupported',
      'backend',
      "setupBackend: backend 'tensorflow' (@tensorflow/tfjs-node) needs Node.js",
    );
  },

  async loadWebgpu() {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu)
      throw new OpsError(
        'unsupported',
        'backend',
        "setupBackend: backend 'webgpu': this browser has no WebGPU (navigator.gpu is undefined)",
      );
    if (!tf.findBackendFactory('webgpu')) {
      throw new OpsError(
        'unsupported',
        'backend',
        "setupBackend: backend 'webgpu' needs @tensorflow/tfjs-backend-webgpu; `import '@tensorflow/tfjs-backend-webgpu'` in the page before calling setupBackend",
      );
    }
    return gpu;
  },

  async installWebgpu() {
    // The page's navigator.gpu is the one tfjs uses, and the page registered the backend (checked in loadWebgpu).
  },

  async startWasm(o) {
    await browserPlatform.registerNative(o); // native: 'require' fails before wasm starts
    const initialised = 'wasm' in tf.engine().registry;
    if (o.wasmPaths !== undefined && !initialised) {
      setWasmPaths(o.wasmPaths);
      pathsSet = o.wasmPaths;
    } else if (o.wasmPaths !== undefined && JSON.stringify(o.wasmPaths) !== JSON.stringify(pathsSet)) {
      warnOnce(
        'wasmPaths is ignored: the wasm backend was already initialised (set it in the first setupBackend call)',
      );
    }
    let note = '';
    if (!initialised) {
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
      if (o.threads > 1 && !isolated) {
        warnOnce(
          `wasm runs 1 thread instead of ${o.threads}: the page is not cross-origin isolated, so SharedArrayBuffer is off. Fix: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (not from a Vite production build: there the threaded build of tfjs-backend-wasm 4.22 fails in its workers, "e is not defined", and the backend does not start)`,
        );
        note = ' (not cross-origin isolated: 1 thread)';
      }
      setThreadsCount(isolated ? o.threads : 1);
    }
    try {
      await activate('wasm');
    } catch (err) {
      const fix =
        o.wasmPaths === undefined
          ? '; if the page is bundled, serve node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm and pass their URL prefix as wasmPaths'
          : `; check that the .wasm files are served at ${JSON.stringify(o.wasmPaths)}`;
      throw new OpsError('unsupported', 'backend', `${(err as Error).message}${fix}`);
    }
    const actual = getThreadsCount();
    if (!note && o.threads > 1 && actual < o.threads) {
      warnOnce(
        `wasm asked for ${o.threads} threads but runs ${actual}: tfjs-backend-wasm caps its threads at half the logical cores (navigator.hardwareConcurrency / 2)`,
      );
    }
    return { wasm: { getThreadsCount, setThreadsCount }, note };
  },

  async registerNative(o) {
    if (o.native === 'require') {
      throw new OpsError(
        'unsupported',
        'native',
        "setupBackend: native conv kernels required (native: 'require') but they need Node.js",
      );
    }
    return null;
  },
};

/** Default wasm threads in a browser: `min(navigator.hardwareConcurrency, 8)`, 1 when unknown. */
export function defaultThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(cores ?? 1, 8));
}

/**
 * Selects and initialises the tfjs backend, verifies it is really active (tfjs silently stays on `cpu`
 * otherwise) and registers the fast kernels of `@edl/ops`. Node gets its own version through the `node` export
 * condition (tfjs-node, Dawn, the wasm thread shim, native kernels); this one runs in browsers and bundles.
 *
 * `'auto'` tries, in order: WebGPU, when the page imported `@tensorflow/tfjs-backend-webgpu` and the browser gives
 * a hardware adapter (a software fallback adapter is skipped, and the reason says so; request `'webgpu'` by name
 * to use it); wasm (SIMD, threads when the page is cross-origin isolated) with the `@edl/ops` conv kernels; WebGL;
 * last the pure-JS `cpu` backend with a loud warning. Bundled pages must serve the `.wasm` files of
 * `@tensorflow/tfjs-backend-wasm` and pass `wasmPaths`.
 *
 * @example
 * // Vite / esbuild: copy node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm to public/tfjs-wasm/
 * const info = await setupBackend({ backend: 'auto', wasmPaths: '/tfjs-wasm/' });
 * console.log(info.backend, info.threads, info.reason);
 */
export function setupBackend(options: SetupBackendOptions = {}): Promise<BackendSetup> {
  return setupBackendOn(browserPlatform, options, defaultThreads());
}
