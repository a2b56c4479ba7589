import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { loadNativeAddon } from '../backend/native-addon.ts';
import { setupBackend } from '../backend/setup-backend.node.ts';

/** The backends {@link describeBackends} runs a block on. */
export type TestBackendName = 'cpu' | 'wasm' | 'wasm+native' | 'webgpu';

/** One backend of the matrix, as a test block sees it. */
export interface TestBackend {
  readonly name: TestBackendName;
  /** Relative tolerance for values and gradients compared with the cpu backend (see {@link expectCloseTo}). */
  readonly rtol: number;
}

/** Why a backend is left out, or `null` when it runs. */
type Availability = { name: TestBackendName; skip: string | null; rtol: number };

/** Relative tolerances against cpu: float32 everywhere, different summation orders (XNNPACK, native, GPU). */
const RTOL: Record<TestBackendName, number> = { cpu: 1e-6, wasm: 1e-4, 'wasm+native': 1e-4, webgpu: 1e-3 };

const WEBGPU_FIX =
  'needs a WebGPU adapter: on a machine without a GPU `apt-get install libvulkan1 chromium` and run with EDL_TEST_WEBGPU=1 VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp (SwiftShader), or a GPU with its Vulkan ICD';

async function webgpuAvailability(): Promise<string | null> {
  if (process.env.EDL_TEST_WEBGPU !== '1') return `skipped: set EDL_TEST_WEBGPU=1; ${WEBGPU_FIX}`;
  return null; // requested: a missing adapter then fails the block's setup loudly instead of skipping
}

/**
 * Which backends this process can run: cpu and wasm always, wasm + native when the addon is built, webgpu only
 * with `EDL_TEST_WEBGPU=1` (then a missing adapter fails rather than skips). Await it at the top of a test file.
 */
export async function testBackends(): Promise<Availability[]> {
  const native = await loadNativeAddon();
  return [
    { name: 'cpu', skip: null, rtol: RTOL.cpu },
    { name: 'wasm', skip: null, rtol: RTOL.wasm },
    {
      name: 'wasm+native',
      skip: native.addon ? null : `skipped: the native addon is not built (${native.reason})`,
      rtol: RTOL['wasm+native'],
    },
    { name: 'webgpu', skip: await webgpuAvailability(), rtol: RTOL.webgpu },
  ];
}

/** Makes `name` the active backend (wasm: @edl/ops kernels, native off; wasm+native: native required). */
export async function useTestBackend(name: TestBackendName): Promise<void> {
  const base = { quiet: true, threads: 2 } as const;
  if (name === 'cpu') await setupBackend({ ...base, backend: 'cpu' });
  else if (name === 'wasm') await setupBackend({ ...base, backend: 'wasm', native: 'off' });
  else if (name === 'wasm+native') await setupBackend({ ...base, backend: 'wasm', native: 'require' });
  else {
    await setupBackend({ ...base, backend: 'webgpu' });
    // tfjs-backend-webgpu computes small ops on the CPU when their inputs live there: make every op run on the GPU
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  }
  if (tf.getBackend() !== name.replace('+native', '')) throw new Error(`test backend ${name} did not start`);
}

/**
 * Runs `body` once per backend of `backends` (from {@link testBackends}) inside `describe('<title> [<backend>]')`,
 * after switching to that backend; a backend that is not available gets a skipped block whose title says why and
 * how to enable it. Read tensors with `await t.data()` (synchronous reads fail on WebGPU in Node), and compare
 * with {@link onCpu} references through {@link expectCloseTo}.
 */
export function describeBackends(backends: Availability[], title: string, body: (backend: TestBackend) => void): void {
  for (const b of backends) {
    if (b.skip) {
      describe.skip(`${title} [${b.name}] (${b.skip})`, () => {
        it('is skipped', () => undefined);
      });
      continue;
    }
    describe(`${title} [${b.name}]`, () => {
      beforeAll(() => useTestBackend(b.name));
      body({ name: b.name, rtol: b.rtol });
    });
  }
}

/**
 * Runs `fn` on the cpu backend and returns what it returns (plain arrays: create the tensors inside `fn` from
 * arrays, since moving tensors off a GPU backend needs a synchronous read), then switches back.
 */
export async function onCpu<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * Checks `actual` against `expected` elementwise: `|a - e| <= rtol * max|e|` (a tolerance relative to the largest
 * reference value, so that near-zero entries of sums do not fail on round-off), and that the reference is not
 * trivially zero. Throws naming the worst entry.
 */
export function expectCloseTo(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string) {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  }
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  if (!(scale > 0)) throw new Error(`${what}: the reference is all zero (or NaN): the comparison would prove nothing`);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  if (!(worst <= rtol * scale)) {
    throw new Error(
      `${what}: entry ${at} is ${actual[at]}, expected ${expected[at]} (|diff| ${worst.toExponential(2)} > ${rtol} x max|ref| ${scale.toExponential(2)})`,
    );
  }
}
