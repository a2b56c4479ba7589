import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';
import { registerBatchNormGradient } from '../kernels/gradients/batch-norm-gradient.ts';
import { registerWasmConvKernels } from '../kernels/wasm/register-wasm-conv-kernels.ts';
import { registerWebgpuKernels } from '../kernels/webgpu/register-webgpu-kernels.ts';
import {
  type AdapterReport,
  type BackendChoice,
  type BackendSetup,
  type ResolvedBackendOptions,
  resolveBackendOptions,
  type SetupBackendOptions,
} from './backend-options.ts';
import { warnOnce } from './warn-once.ts';
import { dropBrokenWasmBackend, guardWasmHeap } from './wasm-heap-guard.ts';
import { adapterLabel, describeAdapter, type GpuLike } from './webgpu-adapter.ts';

// The part of setupBackend shared by the browser entry (setup-backend.ts) and the Node entry
// (setup-backend.node.ts). Each entry supplies a BackendPlatform: how to load the optional packages there.

/** The functions of `@tensorflow/tfjs-backend-wasm` used here. */
export interface WasmModuleLike {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** Native conv kernels registered over wasm (Node), see {@link BackendPlatform.registerNative}. */
export interface NativeRegistration {
  kernels: string[];
  native: { isa: string; threads: number } | null;
  /** Appended to the reason. */
  note: string;
}

/** What differs between Node and a browser. */
export interface BackendPlatform {
  /** The order `'auto'` tries the backends in, before the `cpu` fallback. */
  readonly autoOrder: readonly Exclude<BackendChoice, 'auto' | 'cpu'>[];
  /** Added to the "no adapter" error: what the user can install or enable. */
  readonly noAdapterHint: string;
  /** Loads `@tensorflow/tfjs-node(-gpu)`; resolves to a description. Throws an Error naming the fix. */
  loadTensorflow(): Promise<string>;
  /** The WebGPU entry point (`navigator.gpu`, or Dawn's in Node), without side effects. Throws an Error naming the fix. */
  loadWebgpu(): Promise<GpuLike>;
  /** Makes `gpu` the one tfjs uses and registers `@tensorflow/tfjs-backend-webgpu`. Throws an Error naming the fix. */
  installWebgpu(gpu: GpuLike): Promise<void>;
  /** Initialises (or re-activates) the wasm backend with `o.threads`; `note` goes into the reason. */
  startWasm(o: ResolvedBackendOptions): Promise<{ wasm: WasmModuleLike; note: string }>;
  /** Registers the native conv kernels over wasm as `o.native` says; `null` when there are none. */
  registerNative(o: ResolvedBackendOptions): Promise<NativeRegistration | null>;
}

/** Sets `name` as the tfjs backend and checks that it really is active (tfjs silently keeps the old one otherwise). */
export async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) {
    throw new OpsError(
      'unsupported',
      'backend',
      `setupBackend: the '${name}' backend did not initialise (tfjs reports '${tf.getBackend()}'); see the tfjs error logged above`,
    );
  }
  await tf.ready();
}

let adapter: AdapterReport | undefined;

async function setupWebgpu(platform: BackendPlatform, byName: boolean): Promise<BackendSetup> {
  const gpu = await platform.loadWebgpu();
  if (!adapter) {
    const found = await gpu.requestAdapter();
    if (!found)
      throw new OpsError(
        'unsupported',
        'backend',
        `setupBackend: backend 'webgpu': no WebGPU adapter found (${platform.noAdapterHint})`,
      );
    adapter = describeAdapter(found);
  }
  const label = adapterLabel(adapter);
  if (adapter.isFallback && !byName) {
    throw new OpsError(
      'unsupported',
      'backend',
      `setupBackend: only a software fallback adapter, ${label}, which is slower than wasm, so 'auto' skips it (request backend 'webgpu' by name to use it)`,
    );
  }
  await platform.installWebgpu(gpu);
  await activate('webgpu');
  // Our WGSL conv backward pair and fused RISTA kernels over tfjs-backend-webgpu's (checked against the cpu backend).
  const kernels = registerWebgpuKernels();
  const note = adapter.isFallback ? ', a software fallback adapter: correct but slow' : '';
  return { backend: 'webgpu', threads: 1, kernels, adapter, reason: `WebGPU adapter ${label}${note}` };
}

async function setupWasm(platform: BackendPlatform, o: ResolvedBackendOptions): Promise<BackendSetup> {
  // a wasm backend whose heap ran out refuses every op: start a fresh module instead of re-activating it
  const fresh = dropBrokenWasmBackend();
  const { wasm, note } = await platform.startWasm(o);
  guardWasmHeap();
  const threads = wasm.getThreadsCount();
  const kernels = registerWasmConvKernels();
  let reason = `wasm (XNNPACK, SIMD)${note}, ${threads} thread${threads === 1 ? '' : 's'}, @edl/ops conv kernels`;
  if (fresh) reason += ', a fresh heap (the previous one ran out)';
  const native = await platform.registerNative(o);
  for (const k of native?.kernels ?? []) if (!kernels.includes(k)) kernels.push(k);
  if (native) reason += native.note;
  return { backend: 'wasm', threads, reason, kernels, native: native?.native ?? null };
}

async function setupWebgl(): Promise<BackendSetup> {
  if (!tf.findBackendFactory('webgl')) {
    throw new OpsError(
      'unsupported',
      'backend',
      "setupBackend: backend 'webgl' needs a browser with WebGL (@tensorflow/tfjs registers it only there)",
    );
  }
  await activate('webgl');
  return { backend: 'webgl', threads: 1, kernels: [], reason: 'WebGL' };
}

async function setupNamed(platform: BackendPlatform, name: BackendChoice, o: ResolvedBackendOptions, byName: boolean) {
  switch (name) {
    case 'tensorflow':
      return { backend: 'tensorflow', threads: 1, kernels: [], reason: await platform.loadTensorflow() };
    case 'webgpu':
      return setupWebgpu(platform, byName);
    case 'wasm':
      return setupWasm(platform, o);
    case 'webgl':
      return setupWebgl();
    default:
      await activate('cpu');
      return { backend: 'cpu', threads: 1, reason: 'requested', kernels: [] };
  }
}

const AUTO_LABELS: Partial<Record<BackendChoice, string>> = { tensorflow: 'tfjs-node' };

async function setupAuto(platform: BackendPlatform, o: ResolvedBackendOptions): Promise<BackendSetup> {
  const skipped: string[] = [];
  const tail = () => (skipped.length ? `; skipped ${skipped.join('; ')}` : '');
  for (const name of platform.autoOrder) {
    try {
      const r = await setupNamed(platform, name, o, false);
      return { ...r, reason: `auto: ${r.reason}${tail()}` };
    } catch (err) {
      if (name === 'wasm' && o.native === 'require') throw err;
      skipped.push(`${AUTO_LABELS[name] ?? name}: ${firstLine(err)}`);
    }
  }
  warnOnce(
    `no fast tfjs backend available, running on the pure-JS 'cpu' backend (30-1000x slower, conv weight gradients take minutes). Fix: npm install @tensorflow/tfjs-backend-wasm. Skipped: ${skipped.join('; ')}`,
  );
  await activate('cpu');
  return { backend: 'cpu', threads: 1, kernels: [], reason: `auto: fallback${tail()}` };
}

/** {@link setupBackend} on a platform; see the entries for the documentation. */
export async function setupBackendOn(
  platform: BackendPlatform,
  options: SetupBackendOptions,
  defaultThreads: number,
): Promise<BackendSetup> {
  const o = resolveBackendOptions(options, defaultThreads);
  registerBatchNormGradient();
  const result = o.choice === 'auto' ? await setupAuto(platform, o) : await setupNamed(platform, o.choice, o, true);
  result.backend = tf.getBackend();
  if (!o.quiet) console.info(`[@edl/ops] backend: ${result.backend} (${result.reason})`);
  return result;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .replace(/^setupBackend: /, '')
    .split(';')[0]!;
}
