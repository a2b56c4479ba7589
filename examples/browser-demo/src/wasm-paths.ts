// The three .wasm builds of @tensorflow/tfjs-backend-wasm, emitted by Vite as hashed assets (`?url`): plain, SIMD,
// and SIMD + threads (used when the page is cross-origin isolated). tfjs picks one at start; setupBackend passes
// this map to its setWasmPaths. A bundle never contains them, so every bundled page must serve them somehow.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File name to served URL, the form `setupBackend({ wasmPaths })` and tfjs's `setWasmPaths` accept. */
export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};
