// Test page for browser/fit.test.ts: what a user who only installed @edl/layers writes. It imports @tensorflow/tfjs,
// @tensorflow/tfjs-backend-wasm and @edl/layers (nothing from @edl/ops directly, no registerWasmConvKernels, no
// setupBackend), switches with plain `tf.setBackend`, and trains a tiny DictConv2D model with `model.fit`. The
// stock wasm backend of tfjs 4.22 has no Conv2DBackpropFilter: training works only if importing @edl/layers brought
// the @edl/ops kernels along.
import { constraintsCallback, elasticDictConv2d } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_PATHS } from '../../../src/wasm-paths.ts';

// tfjs's own requirement for any bundled page on wasm: say where the .wasm files are served.
setWasmPaths(WASM_PATHS);

/** One `model.fit` run, read back. */
export interface FitRun {
  backend: string;
  /** Training loss after each epoch, as model.fit reports it. */
  losses: number[];
  /** Every weight after training, by name without the layer-instance suffix. */
  weights: Array<{ name: string; values: number[] }>;
  /** The wasm backend's kernels for the conv gradients at the time of the run (empty off wasm). */
  wasmGradientKernels: string[];
  milliseconds: number;
}

const INPUT_SHAPE: [number, number, number] = [8, 8, 1];
let initialWeights: Array<{ values: Float32Array; shape: number[] }> | undefined;

function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      elasticDictConv2d({
        inputShape: INPUT_SHAPE,
        filters: 4,
        steps: 2,
        strides: 2,
        beta: 0.5,
        eps: 0.05,
        name: 'dict',
        kernelInitializer: tf.initializers.heNormal({ seed: 5 }),
      }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: 2, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }),
    ],
  });
}

/** 16 images whose left (class 0) or right (class 1) half is bright, plus seeded noise. */
function data(): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const half = tf.concat([tf.ones([8, 8, 4, 1]), tf.zeros([8, 8, 4, 1])], 2);
    const x = tf.add(
      tf.concat([half, tf.reverse(half, 2)], 0),
      tf.randomUniform([16, ...INPUT_SHAPE], 0, 0.3, 'float32', 7),
    );
    const labels = tf.tensor1d(
      [...Array(16).keys()].map((i) => (i < 8 ? 0 : 1)),
      'int32',
    );
    return { x: x as tf.Tensor4D, y: tf.oneHot(labels, 2) as tf.Tensor2D };
  });
}

/** Switches with plain `tf.setBackend(backend)` and trains 3 epochs with `model.fit` (weights shared across runs). */
async function fit(backend: 'cpu' | 'wasm'): Promise<FitRun> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  const started = performance.now();
  const model = buildModel();
  if (!initialWeights) {
    initialWeights = await Promise.all(
      model.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })),
    );
  }
  model.setWeights(initialWeights.map((w) => tf.tensor(w.values, w.shape)));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: tf.losses.softmaxCrossEntropy });
  const { x, y } = data();
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 8,
    shuffle: false,
    verbose: 0,
    callbacks: constraintsCallback(model),
  });
  const run: FitRun = {
    backend: tf.getBackend(),
    losses: (history.history.loss as number[]).map(Number),
    weights: await Promise.all(
      model.weights.map(async (w) => ({
        name: w.name.replace(/_\d+/g, ''),
        values: Array.from(await w.read().data()),
      })),
    ),
    wasmGradientKernels: tf
      .getKernelsForBackend('wasm')
      .map((k) => k.kernelName)
      .filter((name) => name.startsWith('Conv2DBackprop')),
    milliseconds: performance.now() - started,
  };
  tf.dispose([x, y]);
  model.layers.forEach((l) => {
    l.dispose();
  });
  return run;
}

declare global {
  interface Window {
    fitChecks: { fit: typeof fit };
  }
}

window.fitChecks = { fit };
document.body.dataset.ready = 'true';
