// One case of the @edl/models benchmark, run in its own process by bench/index.ts (a wasm abort, e.g. the 4 GB
// heap limit, then kills only this case). Prints one JSON line: { ms, min, max, n } or exits non-zero.
// Usage: case.ts <standard|elastic> <train|infer> <batch> <reps>
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet } from '../src/index.ts';

const [conv, mode, batchArg, repsArg] = process.argv.slice(2);
if ((conv !== 'standard' && conv !== 'elastic') || (mode !== 'train' && mode !== 'infer')) {
  throw new Error(
    `usage: case.ts <standard|elastic> <train|infer> <batch> <reps>, got ${process.argv.slice(2).join(' ')}`,
  );
}
const batch = Number(batchArg ?? 32);
const reps = Number(repsArg ?? 3);

const setup = await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
if (setup.backend !== 'wasm') throw new Error(`expected the wasm backend, got ${setup.backend}`);
// stepSizeRefresh: the PyTorch peer keeps t fixed, so t is refreshed on the first training call only.
// Gradient checkpointing for elastic training in the stem and stage 1 (the largest feature maps): without it the
// T = 3 tape of ResNet18 at batch 32 exceeds wasm's 4 GB heap; with it the heap peaks at about 2.8 GB (measured),
// and the other stages skip the recomputation.
const recomputeStages = conv === 'elastic' && mode === 'train' ? [0, 1] : undefined;
const model = resnet({ depth: 18, conv, numClasses: 10, steps: 3, stepSizeRefresh: 1e9, seed: 1, recomputeStages });
const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10);
const optimizer = tf.train.momentum(0.01, 0.9) as tf.Optimizer;

const run =
  mode === 'train'
    ? () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() =>
            tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
          );
          optimizer.applyGradients(grads);
          value.dataSync();
        })
    : () =>
        tf.tidy(() => {
          (model.predict(x) as tf.Tensor).dataSync();
        });

run(); // warm-up; for training it also creates the momentum slots and sets the step sizes
const before = tf.memory().numTensors;
const ts: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  run();
  ts.push(performance.now() - t0);
}
if (tf.memory().numTensors !== before) {
  throw new Error(`tensor count changed from ${before} to ${tf.memory().numTensors} over the timed loop`);
}
ts.sort((a, b) => a - b);
const round = (v: number) => Math.round(v * 10) / 10;
console.log(
  JSON.stringify({
    ms: round((ts[Math.floor((ts.length - 1) / 2)]! + ts[Math.ceil((ts.length - 1) / 2)]!) / 2),
    min: round(ts[0]!),
    max: round(ts.at(-1)!),
    n: reps,
  }),
);
