import { type BackendChoice, type BackendSetup, setupBackend } from '@edl/ops';
import { WASM_PATHS } from './wasm-paths.ts';

const CHOICES: readonly BackendChoice[] = ['auto', 'wasm', 'webgpu', 'webgl', 'cpu'];

/** The backend named by the page's `?backend=` parameter (default `'auto'`), checked against what the page offers. */
export function requestedBackend(search: string): BackendChoice {
  const value = new URLSearchParams(search).get('backend') ?? 'auto';
  if (!(CHOICES as readonly string[]).includes(value)) {
    throw new Error(`?backend=: expected one of ${CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as BackendChoice;
}

/**
 * Starts the tfjs backend through `@edl/ops`' setupBackend. WebGPU's tfjs backend is loaded (as its own chunk)
 * only when the browser has `navigator.gpu`; the wasm backend comes with `@edl/ops`, its .wasm files from
 * {@link WASM_PATHS}.
 */
export async function startBackend(choice: BackendChoice): Promise<BackendSetup> {
  if ('gpu' in navigator && (choice === 'auto' || choice === 'webgpu')) {
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  return setupBackend({ backend: choice, wasmPaths: WASM_PATHS });
}
