// The TypeScript mirror of packages/ops/native/edl-abi.h: every integer that crosses the boundary to the native
// addon. native-abi.test.ts parses the header and checks that both agree, and that the built addon reports them.

/** Version of the binding signatures and codes; the loader refuses an addon built from other sources. */
export const NATIVE_ABI_VERSION = 5;

/** Kernel status codes (`edl_status`); anything but `ok` reaches JavaScript as a thrown Error. */
export const NativeStatus = { ok: 0, outOfMemory: 1, invalidArgument: 2 } as const;

/** Activations the native fused conv applies (`edl_activation`), by tfjs activation name. */
export const NativeActivation = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 } as const;

/** Op codes of the addon's `binary` (`edl_binary_op`). */
export const NativeBinaryOp = { add: 0, sub: 1, mul: 2 } as const;

/** Op codes of the addon's `unary` (`edl_unary_op`). */
export const NativeUnaryOp = { sign: 0, clip: 1, relu: 2, step: 3 } as const;

/** Most worker threads of the addon's pool (`EDL_MAX_THREADS`). */
export const NATIVE_MAX_THREADS = 256;
/** Highest rank of the addon's `tile` (`EDL_TILE_MAX_RANK`). */
export const NATIVE_TILE_MAX_RANK = 16;
/** Length of a conv geometry `[B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]` (`EDL_GEOMETRY_LENGTH`). */
export const NATIVE_GEOMETRY_LENGTH = 13;

/** What the addon's `abi()` returns: the values above, as the C++ side compiled them. */
export interface NativeAbi {
  version: number;
  maxThreads: number;
  tileMaxRank: number;
  geometryLength: number;
  status: Record<keyof typeof NativeStatus, number>;
  activation: Record<keyof typeof NativeActivation, number>;
  binary: Record<keyof typeof NativeBinaryOp, number>;
  unary: Record<keyof typeof NativeUnaryOp, number>;
}

/** The values this TypeScript code expects from the addon's `abi()`. */
export function expectedNativeAbi(): NativeAbi {
  return {
    version: NATIVE_ABI_VERSION,
    maxThreads: NATIVE_MAX_THREADS,
    tileMaxRank: NATIVE_TILE_MAX_RANK,
    geometryLength: NATIVE_GEOMETRY_LENGTH,
    status: { ...NativeStatus },
    activation: { ...NativeActivation },
    binary: { ...NativeBinaryOp },
    unary: { ...NativeUnaryOp },
  };
}

/** Every constant of edl-abi.h by its C name (what native-abi.test.ts compares the header with). */
export const NATIVE_ABI_BY_C_NAME: Readonly<Record<string, number>> = {
  EDL_ABI_VERSION: NATIVE_ABI_VERSION,
  EDL_OK: NativeStatus.ok,
  EDL_ERR_OUT_OF_MEMORY: NativeStatus.outOfMemory,
  EDL_ERR_INVALID_ARGUMENT: NativeStatus.invalidArgument,
  EDL_ACT_LINEAR: NativeActivation.linear,
  EDL_ACT_RELU: NativeActivation.relu,
  EDL_ACT_RELU6: NativeActivation.relu6,
  EDL_ACT_LEAKYRELU: NativeActivation.leakyrelu,
  EDL_BINARY_ADD: NativeBinaryOp.add,
  EDL_BINARY_SUB: NativeBinaryOp.sub,
  EDL_BINARY_MUL: NativeBinaryOp.mul,
  EDL_UNARY_SIGN: NativeUnaryOp.sign,
  EDL_UNARY_CLIP: NativeUnaryOp.clip,
  EDL_UNARY_RELU: NativeUnaryOp.relu,
  EDL_UNARY_STEP: NativeUnaryOp.step,
  EDL_MAX_THREADS: NATIVE_MAX_THREADS,
  EDL_TILE_MAX_RANK: NATIVE_TILE_MAX_RANK,
  EDL_GEOMETRY_LENGTH: NATIVE_GEOMETRY_LENGTH,
};

/**
 * Why a loaded addon does not fit this code (built from other sources: no `abi()` or other values), or undefined
 * when it fits.
 */
export function nativeAbiMismatch(addon: { abi?: () => NativeAbi }): string | undefined {
  if (typeof addon.abi !== 'function') return 'it has no abi() (built from older sources)';
  const got = JSON.stringify(addon.abi());
  const want = JSON.stringify(expectedNativeAbi());
  return got === want ? undefined : `its ABI ${got} differs from this code's ${want} (built from other sources)`;
}
