import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/setup-backend.node.ts'; // tests run in Node: Dawn through the npm `webgpu`
import { registerWebgpuKernels } from '../kernels/webgpu/register-webgpu-kernels.ts';

/** How to get a software WebGPU adapter on Debian / Ubuntu (for the skip messages of the webgpu tests). */
export const WEBGPU_TEST_HINT =
  'needs EDL_TEST_WEBGPU=1 and a Vulkan adapter: `apt-get install libvulkan1 chromium` and ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (SwiftShader), or a GPU with its Vulkan ICD; ' +
  'see .ci/steps/webgpu-kernels.sh';

/**
 * Activates the webgpu backend for a test file, with the `@edl/ops` webgpu kernels registered and
 * `WEBGPU_CPU_FORWARD` off (so even tiny ops run on the adapter). Without `EDL_TEST_WEBGPU=1` returns why the
 * webgpu tests skip; with it, a webgpu backend that does not start is an error (CI must not skip silently).
 */
export async function setupWebgpuForTests(): Promise<string | null> {
  if (process.env.EDL_TEST_WEBGPU !== '1') return `webgpu tests off: ${WEBGPU_TEST_HINT}`;
  await setupBackend({ backend: 'webgpu', quiet: true });
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  registerWebgpuKernels();
  return null;
}

/** Runs `f` in a tidy scope and reads every tensor it returns with `await data()` (GPU tensors in Node). */
export async function readAll(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const ts = tf.tidy(f);
  try {
    return (await Promise.all(ts.map((t) => t.data()))) as Float32Array[];
  } finally {
    for (const t of ts) t.dispose();
  }
}
