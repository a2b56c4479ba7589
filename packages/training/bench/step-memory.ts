// One case of the @edl/training memory benchmark, in its own process (spawned by bench/step-memory-cases.ts): two
// training steps (standard training, SGD with momentum) of the elastic CIFAR ResNet18 (T = 3, recomputeStages [0, 1],
// random CIFAR-10-shaped data) at one batch size, run as `accumulate` micro-batches with the trainer's own
// stepInMicroBatches, on wasm with 2 threads. Prints one JSON line with the peak memory, or { error } and exits 3.
// Usage: step-memory.ts <batch> <accumulate>
import { applyConstraints } from '@edl/layers';
import { resnet } from '@edl/models';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { stepInMicroBatches } from '../src/loop/micro-batches.ts';
import { Sgd } from '../src/loop/sgd.ts';
import { logitsOf } from '../src/loop/trainer.ts';
import { standardTraining } from '../src/methods/standard-training.ts';

const batch = Number(process.argv[2]);
const accumulate = Number(process.argv[3] ?? 1);
if (!Number.isInteger(batch) || !Number.isInteger(accumulate) || batch < 1 || accumulate < 1) {
  throw new Error(`usage: step-memory.ts <batch> <accumulate>, got ${process.argv.slice(2).join(' ')}`);
}
await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
const GiB = 2 ** 30;
const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
const round2 = (v: number) => Math.round(v * 100) / 100;
const figures = () => ({
  batch,
  accumulate,
  microBatch: Math.ceil(batch / accumulate),
  // a wasm heap never shrinks: its size is the peak (Emscripten grows it by up to 20%, at most 96 MiB, beyond need)
  wasmHeapGiB: round2(heapBytes() / GiB),
  maxRssGiB: round2((process.resourceUsage().maxRSS * 1024) / GiB),
});

const model = resnet({ depth: 18, conv: 'elastic', numClasses: 10, steps: 3, seed: 1, recomputeStages: [0, 1] });
const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const y = tf.randomUniform([batch], 0, 10, 'int32', 2) as tf.Tensor1D;
const sgd = new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
const method = standardTraining();
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const stateVariables = model.weights.map((w) => w.read() as tf.Variable);
const seconds: number[] = [];
const tensors: number[] = [];
try {
  for (let step = 0; step < 2; step++) {
    const t0 = performance.now();
    const loss = stepInMicroBatches({
      method,
      x,
      y,
      accumulate,
      context: (i) => ({
        forward: (xb, training) => logitsOf(model, xb, training),
        numClasses: 10,
        variables,
        stateVariables,
        seed: step * 100 + i,
      }),
      variables,
      penalty: () => null,
      apply: (grads) => {
        sgd.apply(variables, grads, 0.01);
        applyConstraints(model);
      },
    });
    const value = (await loss.data())[0]!;
    loss.dispose();
    if (!Number.isFinite(value)) throw new Error(`loss ${value} at step ${step}`);
    seconds.push(round2((performance.now() - t0) / 1000));
    tensors.push(tf.memory().numTensors);
  }
  if (tensors[0] !== tensors[1]) throw new Error(`tensor count changed between steps: ${tensors.join(' -> ')}`);
  console.log(JSON.stringify({ ...figures(), stepSeconds: seconds }));
} catch (err) {
  const e = err as Error & { code?: string };
  const error = `${e.name}${e.code ? ` (${e.code})` : ''}: ${e.message}`;
  console.log(JSON.stringify({ ...figures(), stepsDone: seconds.length, stepSeconds: seconds, error }));
  process.exit(3);
}
