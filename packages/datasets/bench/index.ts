// Benchmark of @edl/datasets: images per second through load + augment (crop + flip) + batch-to-tensors for the
// 4000-image lossless CIFAR-10 train binary at batch 128, next to one training step of a small CNN at the same
// batch, to show the loader is not the bottleneck. Writes .bench/datasets.json. Run from the repo root:
//   node --conditions=@edl/source --import tsx packages/datasets/bench/index.ts
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { iterateArrayBatches, iterateTensorBatches } from '../src/index.ts';
import { loadCifarBinaryFiles } from '../src/node.ts';

const BATCH = 128;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = resolve(root, '../shared/data/cifar10/train_first4000.bin');
if (!existsSync(file)) {
  console.error(`bench: ${file} not found (the shared data folder ../shared/data is needed)`);
  process.exit(1);
}

/** Uses @edl/ops' setupBackend (wasm) when that package provides it, else the cpu backend; says which. */
async function chooseBackend(): Promise<{ backend: string; note: string }> {
  const opsEntry = join(root, 'packages/ops/src/index.ts');
  if (existsSync(opsEntry)) {
    try {
      const ops = (await import(pathToFileURL(opsEntry).href)) as {
        setupBackend?: (o: { backend: string }) => Promise<{ backend: string; threads: number }>;
      };
      if (ops.setupBackend) {
        const s = await ops.setupBackend({ backend: 'wasm' });
        return { backend: s.backend, note: `@edl/ops setupBackend (wasm, ${s.threads} threads)` };
      }
    } catch (e) {
      console.warn(`bench: @edl/ops setupBackend failed, using cpu: ${(e as Error).message}`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', note: '@edl/ops setupBackend unavailable: pure-JS cpu backend' };
}

const { backend, note } = await chooseBackend();
console.log(`backend: ${tf.getBackend()} (${note})`);

loadCifarBinaryFiles([file], { format: 'cifar10' }); // warm-up (JIT, page cache)
let t0 = performance.now();
const set = loadCifarBinaryFiles([file], { format: 'cifar10' });
const loadMs = performance.now() - t0;

const augment = { crop: { padding: 4 }, flip: true };
function timeArrays(epochs: number): number {
  const s = performance.now();
  let n = 0;
  for (let e = 0; e < epochs; e++)
    for (const b of iterateArrayBatches(set, { batchSize: BATCH, shuffle: true, seed: 1, epoch: e, augment }))
      n += b.shape[0];
  return n / ((performance.now() - s) / 1000);
}
async function timeTensors(epochs: number): Promise<number> {
  const s = performance.now();
  let n = 0;
  for (let e = 0; e < epochs; e++)
    for await (const b of iterateTensorBatches(set, { batchSize: BATCH, shuffle: true, seed: 1, epoch: e, augment })) {
      await b.x.data(); // make sure the upload really happened
      n += b.x.shape[0];
      tf.dispose(b);
    }
  return n / ((performance.now() - s) / 1000);
}
timeArrays(1); // warm-up
const arraysPerSec = timeArrays(2);
await timeTensors(1);
const tensorsPerSec = await timeTensors(2);

// One training step of a small CNN (3 conv layers + dense) at the same batch.
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10 }),
  ],
});
model.compile({ optimizer: tf.train.sgd(0.01), loss: tf.losses.softmaxCrossEntropy });
const first = iterateArrayBatches(set, { batchSize: BATCH, augment }).next().value!;
const xs = tf.tensor4d(first.x, first.shape);
const ys = tf.oneHot(tf.tensor1d(first.y, 'int32'), 10);
await model.trainOnBatch(xs, ys); // warm-up
const steps = backend === 'cpu' ? 2 : 5;
const stepMs: number[] = [];
for (let i = 0; i < steps; i++) {
  t0 = performance.now();
  await model.trainOnBatch(xs, ys);
  stepMs.push(performance.now() - t0);
}
stepMs.sort((a, b) => a - b);
const medianStep = stepMs[Math.floor(stepMs.length / 2)]!;
const trainPerSec = BATCH / (medianStep / 1000);
tf.dispose([xs, ys]);

const rows = [
  [
    'parse train_first4000.bin (4000 images)',
    `${loadMs.toFixed(1)} ms`,
    `${((4000 / loadMs) * 1000).toFixed(0)} img/s`,
  ],
  ['batches as arrays, crop+flip, batch 128', '', `${arraysPerSec.toFixed(0)} img/s`],
  ['batches as tensors, crop+flip, batch 128', '', `${tensorsPerSec.toFixed(0)} img/s`],
  [
    `small CNN train step, batch 128 (${tf.getBackend()})`,
    `${medianStep.toFixed(1)} ms`,
    `${trainPerSec.toFixed(0)} img/s`,
  ],
];
console.table(rows.map(([what, time, rate]) => ({ what, time, rate })));
console.log(`loader / training throughput ratio: ${(tensorsPerSec / trainPerSec).toFixed(1)}x`);
mkdirSync(join(root, '.bench'), { recursive: true });
const out = {
  backend: tf.getBackend(),
  backendNote: note,
  batchSize: BATCH,
  images: set.count,
  parseMs: loadMs,
  arrayBatchesImagesPerSec: arraysPerSec,
  tensorBatchesImagesPerSec: tensorsPerSec,
  cnnTrainStepMs: medianStep,
  cnnTrainImagesPerSec: trainPerSec,
  loaderOverTrainRatio: tensorsPerSec / trainPerSec,
  date: new Date().toISOString(),
};
writeFileSync(join(root, '.bench', 'datasets.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('wrote .bench/datasets.json');
