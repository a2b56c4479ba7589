import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';

// Test support: the backend matrix of @edl/attacks' own tests. @edl/attacks stands alone (ARCHITECTURE.md: it
// imports no other @edl/* package), so it cannot use @edl/ops/testing; this is the same idea on plain tfjs
// backends: cpu, tfjs's wasm backend (1 thread), and webgpu through Dawn in Node with EDL_TEST_WEBGPU=1. The
// wasm + native configuration is @edl/ops's (its conv kernels); attacks run on it inside @edl/training's
// backends test (PGD-AT and the monitor's PGD).

/** The backends {@link describeBackends} runs a block on. */
export type AttackTestBackendName = 'cpu' | 'wasm' | 'webgpu';

/** One backend of the matrix, as a test block sees it. */
export interface AttackTestBackend {
  readonly name: AttackTestBackendName;
  /** Relative tolerance of values compared with the cpu backend: float32 everywhere, other summation orders. */
  readonly rtol: number;
}

const RTOL: Record<AttackTestBackendName, number> = { cpu: 1e-6, wasm: 1e-4, webgpu: 1e-3 };

const WEBGPU_FIX =
  'needs a WebGPU adapter: on a machine without a GPU `apt-get install libvulkan1 chromium` and run with EDL_TEST_WEBGPU=1 VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp (SwiftShader)';

/** The backends this process runs, each with the reason it is skipped (or null). */
export function attackTestBackends(): { name: AttackTestBackendName; skip: string | null }[] {
  return [
    { name: 'cpu', skip: null },
    { name: 'wasm', skip: null },
    {
      name: 'webgpu',
      // requested: a missing adapter then fails the block's setup loudly instead of skipping
      skip: process.env.EDL_TEST_WEBGPU === '1' ? null : `skipped: set EDL_TEST_WEBGPU=1; ${WEBGPU_FIX}`,
    },
  ];
}

interface Dawn {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: object;
}

async function startWebgpu(): Promise<void> {
  if (!('webgpu' in tf.engine().registryFactory)) {
    const dawn = (await import('webgpu')) as unknown as Dawn;
    const gpu = dawn.create([]);
    if (!(await gpu.requestAdapter())) throw new Error(`webgpu: Dawn found no adapter; ${WEBGPU_FIX}`);
    Object.assign(globalThis, dawn.globals);
    const nav = (globalThis as { navigator?: object }).navigator;
    Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true, writable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error(`webgpu: the backend did not start; ${WEBGPU_FIX}`);
  // tfjs-backend-webgpu computes small ops on the CPU when their inputs live there: make every op run on the GPU
  tf.env().set('WEBGPU_CPU_FORWARD', false);
}

/** Makes `name` the active tfjs backend. */
export async function useAttackTestBackend(name: AttackTestBackendName): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'webgpu') await startWebgpu();
  else if (!(await tf.setBackend(name))) throw new Error(`test backend ${name} did not start`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`test backend ${name} did not start`);
}

/**
 * Runs `body` once per backend inside `describe('<title> [<backend>]')`, after switching to it; a backend that is
 * not available gets a skipped block whose title says why. Read tensors with `await t.data()` (synchronous reads
 * fail on WebGPU in Node), and compute cpu references with {@link onCpu}.
 */
export function describeBackends(title: string, body: (backend: AttackTestBackend) => void): void {
  for (const b of attackTestBackends()) {
    if (b.skip) {
      describe.skip(`${title} [${b.name}] (${b.skip})`, () => {
        it('is skipped', () => undefined);
      });
      continue;
    }
    describe(`${title} [${b.name}]`, () => {
      beforeAll(() => useAttackTestBackend(b.name));
      body({ name: b.name, rtol: RTOL[b.name] });
    });
  }
}

/**
 * Runs `fn` on the cpu backend and returns what it returns (plain values: create tensors inside `fn`, since moving
 * tensors off a GPU backend needs a synchronous read), then switches back.
 */
export async function onCpu<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.engine().backendName as string | null; // null before any backend started
  await tf.setBackend('cpu');
  try {
    return await fn();
  } finally {
    if (previous) await tf.setBackend(previous);
  }
}
