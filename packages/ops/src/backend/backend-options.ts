import { checkOneOf, checkPositiveInt, invalidOption } from '../errors/checkers.ts';
/** Backends {@link setupBackend} can set up. `'auto'` picks the fastest one available. */
export type BackendChoice = 'auto' | 'wasm' | 'webgpu' | 'webgl' | 'tensorflow' | 'cpu';

/** The backend names {@link setupBackend} accepts, in the order the error message lists them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'wasm', 'webgpu', 'webgl', 'tensorflow', 'cpu'];

/** See {@link SetupBackendOptions.native}. */
export type NativeChoice = 'auto' | 'require' | 'off';

/** Options of {@link setupBackend}. */
export interface SetupBackendOptions {
  /** Which backend; `'auto'` (default) picks the fastest one available, see {@link setupBackend}. */
  backend?: BackendChoice;
  /**
   * wasm threads; default `min(logical cores, 8)` (`os.cpus()` in Node, `navigator.hardwareConcurrency` in a
   * browser). 1 disables multithreading. In a browser, threads need a cross-origin isolated page.
   */
  threads?: number;
  /** Suppress the informational log line (warnings about slow paths are never suppressed). */
  quiet?: boolean;
  /**
   * Native conv kernels over wasm (Node only; built at install with g++): `'auto'` (default) uses them when built and
   * warns loudly once when not, `'require'` throws when they are missing, `'off'` keeps the wasm kernels.
   * Default: the environment variable `EDL_NATIVE` if set, else `'auto'`.
   */
  native?: NativeChoice;
  /**
   * Browser only: where the page serves the `.wasm` files of `@tensorflow/tfjs-backend-wasm` (its
   * `dist/*.wasm`), passed to its `setWasmPaths`. A URL prefix ending in `/` (e.g. `'/tfjs-wasm/'`) or a map
   * from file name to URL. Needed whenever the page is bundled (Vite, esbuild, webpack): the bundle does not
   * contain them. Ignored in Node, where they are read from `node_modules`.
   */
  wasmPaths?: string | Record<string, string>;
}

/** The WebGPU adapter {@link setupBackend} found (`GPUAdapter.info`). */
export interface AdapterReport {
  /** e.g. `'nvidia'`, `'google'`. */
  vendor: string;
  /** e.g. `'ampere'`, `'swiftshader'`. */
  architecture: string;
  /** Free text from the driver; may be empty. */
  description: string;
  /** A software / fallback adapter (`isFallbackAdapter`, or SwiftShader): correct but slow. */
  isFallback: boolean;
}

/** What {@link setupBackend} chose and why. The same shape in Node and in a browser. */
export interface BackendSetup {
  /** The active tfjs backend, as `tf.getBackend()` reports it. */
  backend: string;
  /** wasm threads actually in use (`getThreadsCount()`), 1 for other backends. */
  threads: number;
  /** Why this backend: what was tried and what was unavailable (and why a fallback adapter was skipped). */
  reason: string;
  /** Kernels `@edl/ops` registered over the backend (wasm: the fast conv kernels). */
  kernels: string[];
  /** The native conv kernels in use (wasm backend in Node), or `null` when the wasm / XNNPACK kernels run convs. */
  native?: { isa: string; threads: number } | null;
  /** The WebGPU adapter, when the backend is `webgpu`. */
  adapter?: AdapterReport;
}

/** Validated options with defaults filled in. */
export interface ResolvedBackendOptions {
  choice: BackendChoice;
  threads: number;
  native: NativeChoice;
  quiet: boolean;
  wasmPaths: string | Record<string, string> | undefined;
}

/** Checks the options of {@link setupBackend}, naming the bad argument. */
export function resolveBackendOptions(options: SetupBackendOptions, defaultThreads: number): ResolvedBackendOptions {
  const choice = options.backend ?? 'auto';
  checkOneOf('backend', choice, BACKEND_CHOICES);
  const threads = checkPositiveInt('threads', options.threads ?? defaultThreads);
  const env = typeof process !== 'undefined' ? process.env?.EDL_NATIVE : undefined;
  const native = options.native ?? ((env || undefined) as NativeChoice | undefined) ?? 'auto';
  checkOneOf('native', native, ['auto', 'require', 'off']);
  const paths = options.wasmPaths;
  if (paths !== undefined && typeof paths !== 'string' && (typeof paths !== 'object' || paths === null)) {
    invalidOption('wasmPaths', 'a URL prefix string or a map of file name to URL', paths);
  }
  return { choice, threads, native, quiet: options.quiet ?? false, wasmPaths: paths };
}
