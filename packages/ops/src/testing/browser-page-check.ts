// The page run by browser-page.test.ts (bundled with esbuild for the browser): setupBackend as a page uses it, with
// the wasm files served next to the bundle and WebGPU imported. Reports to the test server at /done.
import '@tensorflow/tfjs-backend-webgpu';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';

async function gradient(): Promise<Float32Array> {
  const x = tf.tensor4d(
    Float32Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i)),
    [2, 6, 6, 3],
  );
  const w = tf.tensor4d(
    Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)),
    [3, 3, 3, 4],
  );
  const g = tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))))(w);
  return (await g.data()) as Float32Array;
}

const out: Record<string, unknown> = {};
try {
  out.kernelsAtImport = tf.getKernel('Conv2DBackpropFilter', 'wasm') != null;
  out.auto = await setupBackend({ wasmPaths: new URL('./', location.href).href, quiet: true });
  out.wasmGradient = Array.from(await gradient());
  out.byName = await setupBackend({ backend: 'webgpu', quiet: true });
  out.webgpuGradient = Array.from(await gradient());
  await tf.setBackend('cpu');
  out.cpuGradient = Array.from(await gradient());
} catch (err) {
  out.error = String((err as Error).stack ?? err);
}
await fetch(`/done?${encodeURIComponent(JSON.stringify(out))}`);
