// Test page for the browser tests (browser/layers.test.ts): a tiny model of two DictConv2D layers (stride 1 and 2)
// built from seeded initializers, so that each backend builds the same weights and the same step-size state (the
// power iteration's warm start depends on the kernel at build), run forward, backward (input, kernel, beta gradients) and one SGD
// step. The test compares every backend with the cpu backend of the same page.
import { elasticDictConv2d } from '@edl/layers';
import { type BackendChoice, type BackendSetup, setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { WASM_PATHS } from '../../../src/wasm-paths.ts';

/** Everything a backend computed, as plain arrays. */
export interface LayerCase {
  backend: string;
  output: number[];
  inputGradient: number[];
  /** Gradients of the trainable weights, in `model.trainableWeights` order, by weight name without layer prefix. */
  weightGradients: Array<{ name: string; values: number[] }>;
  /** All weights after one SGD step (lr 0.05). */
  weightsAfterStep: Array<{ name: string; values: number[] }>;
  /** All weights before the step (the same on every backend). */
  weightsBefore: Array<{ name: string; values: number[] }>;
  /** Loss before the step. */
  loss: number;
  milliseconds: number;
}

const INPUT_SHAPE: [number, number, number] = [8, 8, 2];
let reference: tf.Tensor[] | undefined;

function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      elasticDictConv2d({
        inputShape: INPUT_SHAPE,
        filters: 4,
        steps: 2,
        beta: 0.6,
        // eps 0.05: at the default 1e-3 the descent step of the elastic corrections is ~500x smaller than 0.9 / L,
        // so beta's gradient (~1e-6) is too small to tell a wrong kernel from a right one
        eps: 0.05,
        name: 'dict1',
        kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
      }),
      elasticDictConv2d({
        filters: 4,
        steps: 2,
        strides: 2,
        beta: 0.4,
        eps: 0.05,
        name: 'dict2',
        kernelInitializer: tf.initializers.heNormal({ seed: 2 }),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
}

function inputs(): { x: tf.Tensor4D; y: tf.Tensor2D; r: tf.Tensor2D } {
  return {
    x: tf.randomUniform([2, ...INPUT_SHAPE], 0, 1, 'float32', 11) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3) as tf.Tensor2D,
    r: tf.randomNormal([2, 3], 0, 1, 'float32', 12) as tf.Tensor2D,
  };
}

const shortName = (name: string) => name.replace(/_\d+/g, '');

/** Sets up `backend` through @edl/ops and runs the case on it (weights copied from the first call's model). */
async function runCase(backend: BackendChoice): Promise<LayerCase & { setup: BackendSetup }> {
  const setup = await setupBackend({ backend, wasmPaths: WASM_PATHS, quiet: true });
  const started = performance.now();
  const model = buildModel();
  if (!reference) reference = model.getWeights().map((w) => w.clone());
  model.setWeights(reference.map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype)));
  const weightsBefore = await Promise.all(
    model.weights.map(async (w) => ({ name: shortName(w.name), values: Array.from(await w.read().data()) })),
  );
  const { x, y, r } = inputs();
  const forward = tf.tidy(() => model.predict(x) as tf.Tensor);
  const inputGradient = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(model.predict(xi) as tf.Tensor, r)))(x);
  const lossFn = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const { value, grads } = tf.variableGrads(
    lossFn,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const weightGradients = await Promise.all(
    model.trainableWeights.map(async (w) => ({
      name: shortName(w.name),
      values: Array.from(await grads[(w.read() as tf.Variable).name]!.data()),
    })),
  );
  const optimizer = tf.train.sgd(0.05);
  optimizer.applyGradients(grads);
  const result: LayerCase & { setup: BackendSetup } = {
    backend: tf.getBackend(),
    setup,
    output: Array.from(await forward.data()),
    inputGradient: Array.from(await inputGradient.data()),
    weightGradients,
    weightsBefore,
    weightsAfterStep: await Promise.all(
      model.weights.map(async (w) => ({ name: shortName(w.name), values: Array.from(await w.read().data()) })),
    ),
    loss: (await value.data())[0]!,
    milliseconds: performance.now() - started,
  };
  tf.dispose([forward, inputGradient, value, x, y, r, ...Object.values(grads)]);
  optimizer.dispose();
  model.layers.forEach((l) => {
    l.dispose();
  });
  return result;
}

/** `setupBackend({ backend: 'auto' })` as a page would call it first. */
async function auto(): Promise<BackendSetup & { kernelsOnWasm: string[] }> {
  if ('gpu' in navigator) await import('@tensorflow/tfjs-backend-webgpu');
  const setup = await setupBackend({ backend: 'auto', wasmPaths: WASM_PATHS });
  return { ...setup, kernelsOnWasm: tf.getKernelsForBackend('wasm').map((k) => k.kernelName) };
}

/** Whether the browser hands out a WebGPU adapter at all (hardware or fallback). */
async function webgpuAdapter(): Promise<{ vendor: string; architecture: string; isFallback: boolean } | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  const adapter = (await gpu.requestAdapter()) as {
    info?: { vendor: string; architecture: string };
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter) return null;
  return {
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    isFallback: adapter.isFallbackAdapter === true || adapter.info?.architecture === 'swiftshader',
  };
}

async function loadWebgpuBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-webgpu');
}

declare global {
  interface Window {
    layerChecks: {
      auto: typeof auto;
      runCase: typeof runCase;
      webgpuAdapter: typeof webgpuAdapter;
      loadWebgpuBackend: typeof loadWebgpuBackend;
    };
  }
}

window.layerChecks = { auto, runCase, webgpuAdapter, loadWebgpuBackend };
document.body.dataset.ready = 'true';
