// The main job as a short script: a standard ResNet10 and an EDL ResNet10 (Vanilla DL pretrained, then switched to
// Elastic DL) trained the same way with PGD-AT on the embedded MNIST digits, then evaluated honestly.
// Run: node --conditions=@edl/source --import tsx examples/quickstart/quickstart.ts [trainCount] [epochs]
import { evaluateRobustness, fgsm, fromLayersModel, pgd } from '@edl/attacks';
import { loadMnist } from '@edl/datasets/node';
import { applyConstraints, getBetas } from '@edl/layers';
import { resnet, toElastic } from '@edl/models';
import { setupBackend } from '@edl/ops';
import { cosineLr, firstIndices, gatherBatch, pgdAT, train } from '@edl/training';
import { directoryStore } from '@edl/training/node';
import type * as tf from '@tensorflow/tfjs';

const trainCount = Number(process.argv[2] ?? 1200);
const epochs = Number(process.argv[3] ?? 4);
const eps = 0.1;

await setupBackend({ backend: 'auto' });
const head = (set: ReturnType<typeof loadMnist>, n: number) => ({
  ...set,
  images: set.images.subarray(0, n * 784),
  labels: set.labels.subarray(0, n),
  count: n,
});
const trainSet = head(loadMnist({ split: 'train' }), trainCount);
const testSet = head(loadMnist({ split: 'test' }), 400);

const make = (conv: 'standard' | 'vanilla') =>
  resnet({
    depth: 10,
    conv,
    numClasses: 10,
    inputShape: [28, 28, 1],
    widthMultiplier: 0.125,
    firstStageStride: 2,
    steps: 2,
    seed: 1,
  });

for (const conv of ['standard', 'vanilla'] as const) {
  const { model } = await train({
    model: make(conv),
    method: pgdAT({ eps, stepSize: 0.04, steps: 3 }),
    train: trainSet,
    test: testSet,
    epochs,
    batchSize: 50,
    lr: cosineLr({ base: 0.05, epochs }),
    sgd: { momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
    seed: 1,
    monitor: { trainSubset: 100, testSubset: 100, attack: { eps, stepSize: 0.04, steps: 3 } },
    // the paper's schedule: Vanilla DL first, Elastic DL (learned beta per layer) for the second half
    ...(conv === 'vanilla'
      ? {
          elasticSwitch: {
            epoch: Math.floor(epochs / 2),
            toElastic: (m: tf.LayersModel) => toElastic(m, { beta: 1 }),
          },
        }
      : {}),
    bnRecalibrationBatches: 20, // PreciseBN after each epoch (see packages/training/README.md)
    applyConstraints: (m) => applyConstraints(m),
    betas: (m) => Object.fromEntries(getBetas(m).map((b) => [b.layer, b.beta])),
    store: directoryStore(`runs/example-quickstart/${conv}`),
    onEpoch: (e) =>
      console.log(
        `${conv} epoch ${e.epoch} (${e.phase}): test ${e.testNatural.toFixed(3)}, PGD ${e.testRobust.toFixed(3)}`,
      ),
  });
  const { x, y } = gatherBatch(testSet, firstIndices(testSet, 400));
  const report = await evaluateRobustness(fromLayersModel(model), { x, y }, [
    fgsm({ eps }),
    pgd({ eps, stepSize: eps / 4, steps: 20, seed: 1 }),
  ]);
  console.log(
    `${conv === 'vanilla' ? 'Elastic DL' : 'standard'}: clean ${report.cleanAccuracy.toFixed(3)}, ` +
      report.attacks.map((a) => `${a.name} ${a.accuracy.toFixed(3)}`).join(', ') +
      `, worst case ${report.worstCaseAccuracy.toFixed(3)}; flags: ${report.flags.map((f) => f.id).join(', ') || 'none'}`,
  );
  x.dispose();
  y.dispose();
  model.dispose();
}
