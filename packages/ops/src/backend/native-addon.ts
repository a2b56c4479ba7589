// Loads the optional native addon (conv, tile and reduction kernels) built by scripts/build-native.mjs. Node only: reached through
// process.getBuiltinModule / dynamic import so this module still loads in a browser.
import { type NativeAbi, nativeAbiMismatch } from '../kernels/native/native-abi.ts';

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
  /** `out = tile(x, reps)` for 4-byte elements (float32 / int32). */
  tile(x: Float32Array | Int32Array, shape: Int32Array, reps: Int32Array, out: Float32Array | Int32Array): void;
  /** `out[j] = scale * sum_{i < outer} x[i * inner + j]` (a reduction over leading axes), multithreaded. */
  reduceLeading(x: Float32Array, outer: number, inner: number, scale: number, out: Float32Array): void;
  /** `g = (beta + (1 - beta) / (2 (|x - u| + eps))) (x - u)`. */
  elasticResidual(x: Float32Array, u: Float32Array, beta: number, eps: number, g: Float32Array): void;
  /** Gradient of {@link elasticResidual} for `dg`: writes `dx`, `du = -dx`; returns d beta. */
  elasticResidualGrad(
    x: Float32Array,
    u: Float32Array,
    dg: Float32Array,
    beta: number,
    eps: number,
    detach: boolean,
    dx: Float32Array,
    du: Float32Array,
  ): number;
  /** `out = T(z + t v)`, one- or two-sided soft threshold `thr`; `z` null means 0. */
  shrinkStep(
    z: Float32Array | null,
    v: Float32Array,
    t: number,
    thr: number,
    nonNegative: boolean,
    out: Float32Array,
  ): void;
  /** Gradient of {@link shrinkStep} for `dy`: writes `dz` (unless null) and `dv`; returns `[d t, d thr]`. */
  shrinkStepGrad(
    z: Float32Array | null,
    v: Float32Array,
    dy: Float32Array,
    t: number,
    thr: number,
    nonNegative: boolean,
    dz: Float32Array | null,
    dv: Float32Array,
  ): [number, number];
  /** `out = (x - mean) scale / sqrt(variance + eps) + offset` over the last axis; parameters of 1 or `channels` values. */
  batchNorm(
    x: Float32Array,
    channels: number,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    offset: Float32Array | null,
    eps: number,
    out: Float32Array,
  ): void;
  /**
   * BatchNorm in training mode over the last axis (`channels` wide): writes the batch `mean` and biased `variance`
   * per channel and `y = (x - mean) scale / sqrt(variance + eps) + offset` (`scale` / `offset` null: 1 / 0).
   */
  batchNormTrain(
    x: Float32Array,
    channels: number,
    scale: Float32Array | null,
    offset: Float32Array | null,
    eps: number,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  /**
   * Gradient of {@link batchNormTrain} for `dy` (and the statistics' upstream gradients `dmean` / `dvar`, null for
   * none): writes `dx`, `dscale` and `doffset` (each of the last two may be null).
   */
  batchNormTrainGrad(
    dy: Float32Array,
    x: Float32Array,
    channels: number,
    scale: Float32Array | null,
    mean: Float32Array,
    variance: Float32Array,
    eps: number,
    dmean: Float32Array | null,
    dvar: Float32Array | null,
    dx: Float32Array,
    dscale: Float32Array | null,
    doffset: Float32Array | null,
  ): void;
  /**
   * `out = sign(x)` (op 0; 0 for NaN), `clip(x, lo, hi)` (op 1; NaN passes through), `relu(x)` (op 2) or `step(x)`
   * with alpha `lo` (op 3; NaN for NaN), as the cpu backend.
   */
  unary(op: 0 | 1 | 2 | 3, x: Float32Array, lo: number, hi: number, out: Float32Array): void;
  /** `out = a op b` (op 0 add, 1 sub, 2 mul); each operand has `out.length` elements or repeats with a period dividing it. */
  binary(op: 0 | 1 | 2, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /**
   * `out[o] = x[o + offsets]` where that index lies inside `x`, else `value`: Slice (offsets >= 0) and PadV2
   * (offsets = -padding before). 4-byte elements (float32 / int32, both arrays the same type).
   */
  window(
    x: Float32Array | Int32Array,
    xShape: Int32Array,
    outShape: Int32Array,
    offsets: Int32Array,
    value: number,
    out: Float32Array | Int32Array,
  ): void;
  /** `dx = dy * step(x)`: the ReLU gradient in one pass. */
  reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /**
   * One SGD step with momentum (PyTorch's `SGD`, dampening 0), each operation rounded as the separate float32 kernels
   * round it: `g' = g + weightDecay p`, `bufOut = momentum buf + g'`, `d = nesterov ? g' + momentum bufOut : bufOut`,
   * `pOut = p - lr d`.
   */
  sgdStep(
    p: Float32Array,
    g: Float32Array,
    buf: Float32Array,
    lr: number,
    momentum: number,
    weightDecay: number,
    nesterov: boolean,
    pOut: Float32Array,
    bufOut: Float32Array,
  ): void;
  /** Resizes the worker pool of this thread's addon instance (1 to 256); returns the thread count now in use. */
  setThreads(n: number): number;
  /** The codes and limits the addon was compiled with (native/edl-abi.h; mirrored by `native-abi.ts`). */
  abi(): NativeAbi;
  /** Test hook: the next `n` scratch allocations succeed, later ones fail (out-of-memory errors); `-1` turns it off. */
  debugFailAllocations(n: number): void;
  /**
   * The instruction set chosen at load (`avx512`, `avx2-fma`, `baseline-simd128`), the worker threads, and the conv
   * algorithm rule (`auto`, or `direct` / `winograd` forced by the environment variable EDL_NATIVE_CONV_ALGORITHM).
   */
  info(): { isa: string; vectorWidth: number; threads: number; convAlgorithm: 'auto' | 'direct' | 'winograd' };
}

/** The addon, or why it is not available. */
export type NativeAddonResult = { addon: NativeConvAddon; path: string } | { addon: null; reason: string };

let cached: NativeAddonResult | undefined;

/** Where the build script puts the addon, relative to the package root of `@edl/ops`. */
export const NATIVE_ADDON_RELATIVE_PATH = 'native/build/edl_native.node';

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
  const [{ createRequire }, { dirname, join }, { existsSync }] = await Promise.all([
    import('node:module'),
    import('node:path'),
    import('node:fs'),
  ]);
  const packageRoot = dirname(createRequire(import.meta.url).resolve('@edl/ops/package.json'));
  const path = join(packageRoot, NATIVE_ADDON_RELATIVE_PATH);
  if (!existsSync(path)) {
    cached = {
      addon: null,
      reason: `${path} is not built (it is compiled at install time with g++; was the compiler missing?). Fix: install g++ and run \`npm rebuild @edl/ops\` (pnpm 10: \`pnpm approve-builds\`, then \`pnpm rebuild @edl/ops\`; or \`node node_modules/@edl/ops/scripts/build-native.mjs --strict\`)`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeConvAddon;
    addon.info();
    const mismatch = nativeAbiMismatch(addon);
    if (mismatch) throw new Error(mismatch);
    cached = { addon, path };
  } catch (err) {
    cached = {
      addon: null,
      reason: `${path} failed to load (${(err as Error).message}). Fix: rebuild it for this Node with \`npm rebuild @edl/ops\``,
    };
  }
  return cached;
}
