import * as tf from '@tensorflow/tfjs';
import { registerNativeKernels, unregisterNativeKernels } from '../kernels/native/register-native-kernels.ts';
import { registerWasmConvKernels } from '../kernels/wasm/register-wasm-conv-kernels.ts';
import { loadNativeAddon } from './native-addon.ts';

// No static Node imports here: this module must load in a browser. Node-only parts (the thread shim, os) are
// reached through dynamic import / process.getBuiltinModule, only when running in Node.

/** Backends {@link setupBackend} can set up. */
export type BackendChoice = 'auto' | 'wasm' | 'webgpu' | 'tensorflow' | 'cpu';

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /** Which backend; `'auto'` (default) picks the fastest one available, see {@link setupBackend}. */
  backend?: BackendChoice;
  /** wasm threads; default `min(os.cpus().length, 8)`. 1 disables the multithreading shim. */
  threads?: number;
  /** Suppress the informational log line (warnings about slow paths are never suppressed). */
  quiet?: boolean;
  /**
   * Native conv kernels over wasm (Node only; built at install with g++): `'auto'` (default) uses them when built and
   * warns loudly once when not, `'require'` throws when they are missing, `'off'` keeps the wasm kernels.
   * Default: the environment variable `EDL_NATIVE` if set, else `'auto'`.
   */
  native?: NativeChoice;
}

/** See {@link SetupBackendOptions.native}. */
export type NativeChoice = 'auto' | 'require' | 'off';

/** What {@link setupBackend} chose and why. */
export interface BackendSetup {
  /** The active tfjs backend, as `tf.getBackend()` reports it. */
  backend: string;
  /** wasm threads actually in use (`getThreadsCount()`), 1 for other backends. */
  threads: number;
  /** Why this backend: what was tried and what was unavailable. */
  reason: string;
  /** Kernels `@edl/ops` registered over the backend (wasm: the fast conv kernels). */
  kernels: string[];
  /** The native conv kernels in use (wasm backend in Node), or `null` when the wasm / XNNPACK kernels run convs. */
  native?: { isa: string; threads: number } | null;
}

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

const warned = new Set<string>();

/** `console.warn` once per distinct message, prefixed so it stands out. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`[@edl/ops] WARNING: ${message}`);
}

/** True when `err` says that `specifier` itself (not one of its dependencies) cannot be found. */
function isModuleNotFound(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  const message = String((err as { message?: unknown } | null)?.message ?? '');
  if (!message.includes(`'${specifier}'`) && !message.includes(`"${specifier}"`)) return false;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Node: ERR_MODULE_NOT_FOUND; vite / vitest: "Could not resolve", "Failed to load url".
  return /Cannot find (module|package)|Could not resolve|Failed to (load|resolve)/.test(message);
}

/**
 * Dynamic import through a variable specifier, so bundlers and TypeScript leave optional peers alone.
 * Rejects with the loader's error (module-not-found is told apart by {@link isModuleNotFound}).
 */
async function optionalImport<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new Error(
      `setupBackend: the '${name}' backend did not initialise (tfjs reports '${tf.getBackend()}'); see the tfjs error logged above`,
    );
  }
  await tf.ready();
}

async function setupTensorflow(): Promise<{ reason: string }> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await optionalImport(pkg);
    } catch (err) {
      if (isModuleNotFound(err, pkg)) continue;
      throw new Error(`setupBackend: ${pkg} is installed but failed to load: ${(err as Error).message}`);
    }
    await activate('tensorflow');
    return { reason: `${pkg} (native libtensorflow)` };
  }
  throw new Error(
    "setupBackend: backend 'tensorflow' needs the npm package @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu), which is not installed; `npm install @tensorflow/tfjs-node` (its install downloads libtensorflow)",
  );
}

async function setupWebgpu(): Promise<{ reason: string }> {
  if (typeof navigator === 'undefined' || !(navigator as { gpu?: unknown }).gpu) {
    let dawn: { create(flags: string[]): unknown; globals: object };
    try {
      dawn = await optionalImport('webgpu');
    } catch (err) {
      if (isModuleNotFound(err, 'webgpu')) {
        throw new Error(
          "setupBackend: backend 'webgpu' in Node needs the npm package webgpu (Dawn bindings), which is not installed; `npm install webgpu @tensorflow/tfjs-backend-webgpu`",
        );
      }
      throw new Error(`setupBackend: the npm package webgpu failed to load: ${(err as Error).message}`);
    }
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]) as { requestAdapter(): Promise<unknown> };
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        "setupBackend: backend 'webgpu': Dawn found no GPU adapter (needs a GPU, libvulkan1 and the vendor's Vulkan ICD, e.g. VK_ICD_FILENAMES=.../nvidia_icd.json)",
      );
    }
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(globalThis as { navigator?: object }).navigator, gpu },
      configurable: true,
      writable: true,
    });
  }
  try {
    await optionalImport('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    if (isModuleNotFound(err, '@tensorflow/tfjs-backend-webgpu')) {
      throw new Error(
        "setupBackend: backend 'webgpu' needs the npm package @tensorflow/tfjs-backend-webgpu, which is not installed; `npm install @tensorflow/tfjs-backend-webgpu`",
      );
    }
    throw err;
  }
  await activate('webgpu');
  return { reason: 'WebGPU (Dawn) adapter found' };
}

/** Logical cores: `os.cpus().length` in Node, `navigator.hardwareConcurrency` in a browser, else 1. */
function logicalCores(): number {
  const nodeOs = globalThis.process?.getBuiltinModule?.('node:os');
  if (nodeOs) return nodeOs.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** In a Node without `process.getBuiltinModule` (< 20.16), read the cores through a dynamic import. */
async function nodeDefaultThreads(): Promise<number | undefined> {
  const proc = globalThis.process;
  if (!proc?.versions?.node || typeof proc.getBuiltinModule === 'function') return undefined;
  const os = await import('node:os');
  return Math.max(1, Math.min(os.cpus().length, 8));
}

/** Default wasm threads: `min(logical cores, 8)` (`os.cpus().length` in Node). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(logicalCores(), 8));
}

interface WasmSetup {
  reason: string;
  threads: number;
  kernels: string[];
  native: { isa: string; threads: number } | null;
}

async function setupWasm(threads: number, native: NativeChoice): Promise<WasmSetup> {
  let wasm: WasmModule;
  try {
    wasm = await optionalImport<WasmModule>('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    if (isModuleNotFound(err, '@tensorflow/tfjs-backend-wasm')) {
      throw new Error(
        "setupBackend: backend 'wasm' needs the npm package @tensorflow/tfjs-backend-wasm, which is not installed; `npm install @tensorflow/tfjs-backend-wasm`",
      );
    }
    throw err;
  }
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  let reason = 'wasm (XNNPACK, SIMD)';
  // Not tf.findBackend: it would start initialising wasm in the background, before the thread flags are set.
  if ('wasm' in tf.engine().registry) {
    // Already initialised in this process: threads are fixed at first init.
    await activate('wasm');
  } else if (threads > 1 && isNode) {
    try {
      const { installWasmThreadShim, withCpuCount } = await import('./wasm-thread-shim.ts');
      const shim = installWasmThreadShim();
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      wasm.setThreadsCount(threads);
      // tfjs caps threads at os.cpus().length / 2 (1 on a 2-vCPU machine): report enough cores while it initialises.
      await withCpuCount(2 * threads, () => activate('wasm'));
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
    if (threads > 1 && !isNode) reason += ' (threads follow the browser: cross-origin isolation enables them)';
    wasm.setThreadsCount(threads);
    await activate('wasm');
  }
  const actual = wasm.getThreadsCount();
  if (threads > 1 && actual < threads) {
    warnOnce(`wasm asked for ${threads} threads but runs ${actual}; convolutions are slower than they could be.`);
  }
  const kernels = registerWasmConvKernels();
  reason += `, ${actual} thread${actual === 1 ? '' : 's'}, @edl/ops conv kernels`;
  let nativeInfo: WasmSetup['native'] = null;
  if (native === 'off') unregisterNativeKernels();
  if (native !== 'off' && isNode) {
    const loaded = await loadNativeAddon();
    if (loaded.addon) {
      const n = loaded.addon.setThreads(threads);
      for (const k of registerNativeKernels(loaded.addon)) if (!kernels.includes(k)) kernels.push(k);
      nativeInfo = { isa: loaded.addon.info().isa, threads: n };
      reason += ` (convolutions native: ${nativeInfo.isa}, ${n} thread${n === 1 ? '' : 's'})`;
    } else if (native === 'require') {
      throw new Error(`setupBackend: native conv kernels required (native: 'require') but ${loaded.reason}`);
    } else {
      warnOnce(
        `native conv kernels unavailable: ${loaded.reason}. Convolutions run on the wasm kernels instead, 2-4x slower.`,
      );
    }
  } else if (native === 'require') {
    throw new Error("setupBackend: native conv kernels required (native: 'require') but they need Node.js");
  }
  return { reason, threads: actual, kernels, native: nativeInfo };
}

/**
 * Selects and initialises the tfjs backend, verifies it is really active (tfjs silently stays on `cpu`
 * otherwise) and registers the fast kernels of `@edl/ops`.
 *
 * `'auto'` in Node tries, in order: `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` if installed, WebGPU if
 * the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` are installed and a GPU adapter exists, then
 * wasm (SIMD, multithreaded through a Node shim) with the `@edl/ops` conv kernels, and last the pure-JS `cpu`
 * backend with a loud warning. In a browser `'auto'` tries webgpu, then wasm, then cpu.
 * An explicitly requested backend that cannot start throws an Error naming the missing npm package.
 *
 * @example
 * const info = await setupBackend({ backend: 'auto' });
 * console.log(info.backend, info.threads, info.reason);
 */
export async function setupBackend(options: SetupBackendOptions = {}): Promise<BackendSetup> {
  const choice = options.backend ?? 'auto';
  const choices: BackendChoice[] = ['auto', 'wasm', 'webgpu', 'tensorflow', 'cpu'];
  if (!choices.includes(choice)) {
    throw new Error(`backend: expected one of ${choices.join(', ')}, got ${JSON.stringify(choice)}`);
  }
  const threads = options.threads ?? (await nodeDefaultThreads()) ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`threads: expected a positive integer, got ${threads}`);
  }
  const native = options.native ?? envNativeChoice() ?? 'auto';
  if (!['auto', 'require', 'off'].includes(native)) {
    throw new Error(`native: expected one of auto, require, off, got ${JSON.stringify(native)}`);
  }
  let result: BackendSetup;
  if (choice === 'cpu') {
    await activate('cpu');
    result = { backend: 'cpu', threads: 1, reason: 'requested', kernels: [] };
  } else if (choice === 'tensorflow') {
    result = { backend: 'tensorflow', threads: 1, kernels: [], ...(await setupTensorflow()) };
  } else if (choice === 'webgpu') {
    result = { backend: 'webgpu', threads: 1, kernels: [], ...(await setupWebgpu()) };
  } else if (choice === 'wasm') {
    result = { backend: 'wasm', ...(await setupWasm(threads, native)) };
  } else {
    result = await setupAuto(threads, native);
  }
  result.backend = tf.getBackend();
  if (!options.quiet) console.info(`[@edl/ops] backend: ${result.backend} (${result.reason})`);
  return result;
}

/** `EDL_NATIVE` from the environment (Node), validated by the caller. */
function envNativeChoice(): NativeChoice | undefined {
  const v = typeof process !== 'undefined' ? process.env?.EDL_NATIVE : undefined;
  return v ? (v as NativeChoice) : undefined;
}

async function setupAuto(threads: number, native: NativeChoice): Promise<BackendSetup> {
  const skipped: string[] = [];
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (isNode) {
    try {
      const r = await setupTensorflow();
      return { backend: 'tensorflow', threads: 1, kernels: [], reason: `auto: ${r.reason}` };
    } catch (err) {
      skipped.push(`tfjs-node: ${firstLine(err)}`);
    }
  }
  try {
    const r = await setupWebgpu();
    return { backend: 'webgpu', threads: 1, kernels: [], reason: `auto: ${r.reason}; skipped ${skipped.join('; ')}` };
  } catch (err) {
    skipped.push(`webgpu: ${firstLine(err)}`);
  }
  try {
    const r = await setupWasm(threads, native);
    return { backend: 'wasm', ...r, reason: `auto: ${r.reason}; skipped ${skipped.join('; ')}` };
  } catch (err) {
    if (native === 'require') throw err;
    skipped.push(`wasm: ${firstLine(err)}`);
  }
  warnOnce(
    `no fast tfjs backend available, running on the pure-JS 'cpu' backend (30-1000x slower, conv weight gradients take minutes). Fix: npm install @tensorflow/tfjs-backend-wasm. Skipped: ${skipped.join('; ')}`,
  );
  await activate('cpu');
  return { backend: 'cpu', threads: 1, kernels: [], reason: `auto: fallback; skipped ${skipped.join('; ')}` };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .replace(/^setupBackend: /, '')
    .split(';')[0]!;
}
