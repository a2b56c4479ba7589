// Loads the optional native convolution addon built by scripts/build-native.mjs. Node only: reached through
// process.getBuiltinModule / dynamic import so this module still loads in a browser.

/** The Node-API addon's functions (see native/addon.cc). Geometry: `[B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]`. */
export interface NativeConvAddon {
  conv2dForward(
    geometry: Int32Array,
    x: Float32Array,
    filter: Float32Array,
    y: Float32Array,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  conv2dBackpropInput(geometry: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  conv2dBackpropFilter(geometry: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  /** Resizes the addon's worker pool; returns the thread count now in use. */
  setThreads(n: number): number;
  /** The instruction set chosen at load (`avx512`, `avx2-fma`, `baseline-simd128`) and the worker threads. */
  info(): { isa: string; vectorWidth: number; threads: number };
}

/** The addon, or why it is not available. */
export type NativeAddonResult = { addon: NativeConvAddon; path: string } | { addon: null; reason: string };

let cached: NativeAddonResult | undefined;

/** Where the build script puts the addon, relative to this module (src/ or dist/ of the package). */
export const NATIVE_ADDON_RELATIVE_PATH = '../native/build/edl_native.node';

/**
 * Loads `native/build/edl_native.node` once per process. Never throws: a missing or broken addon is reported in
 * `reason` (with the command that builds it), so the caller can warn and use the wasm kernels.
 */
export async function loadNativeAddon(): Promise<NativeAddonResult> {
  if (cached) return cached;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) {
    cached = { addon: null, reason: 'native kernels need Node.js' };
    return cached;
  }
  const [{ createRequire }, { fileURLToPath }, { existsSync }] = await Promise.all([
    import('node:module'),
    import('node:url'),
    import('node:fs'),
  ]);
  const path = fileURLToPath(new URL(NATIVE_ADDON_RELATIVE_PATH, import.meta.url));
  if (!existsSync(path)) {
    cached = {
      addon: null,
      reason: `${path} is not built (it is compiled at install time with g++; was the compiler missing?). Fix: install g++ and run \`npm rebuild @edl/ops\` (pnpm: \`pnpm rebuild @edl/ops\`)`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeConvAddon;
    addon.info();
    cached = { addon, path };
  } catch (err) {
    cached = {
      addon: null,
      reason: `${path} failed to load (${(err as Error).message}). Fix: rebuild it for this Node with \`npm rebuild @edl/ops\``,
    };
  }
  return cached;
}
