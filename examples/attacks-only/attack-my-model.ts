// Attack your own tf.js model with @edl/attacks: nothing else from EDL.js is needed.
// Run from the repo root: node --conditions=@edl/source --import tsx examples/attacks-only/attack-my-model.ts

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corruption, epsilonSweep, evaluateRobustness, fgsm, fromLayersModel, pgd } from '@edl/attacks';
import { writeJsonAtomic } from '@edl/attacks/node';
import * as tf from '@tensorflow/tfjs';

// 1. Some data: 8x8 grey images of four patterns (horizontal bar, vertical bar, diagonal, centre blob) plus noise.
function makeData(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const pixels = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 4;
    labels[i] = label;
    const offset = Math.floor(rand() * 4) + 2;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const on =
          (label === 0 && r === offset) ||
          (label === 1 && c === offset) ||
          (label === 2 && r === c) ||
          (label === 3 && Math.abs(r - 3.5) < 1.5 && Math.abs(c - 3.5) < 1.5);
        const value = (on ? 0.8 : 0.2) + (rand() - 0.5) * 0.3;
        pixels[i * 64 + r * 8 + c] = Math.min(1, Math.max(0, value));
      }
    }
  }
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y: tf.tensor1d(labels, 'int32') };
}

// 2. Your model: any tf.sequential whose last layer outputs logits (no softmax).
const net = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 32, activation: 'relu' }),
    tf.layers.dense({ units: 4 }),
  ],
});
net.compile({
  optimizer: tf.train.adam(0.01),
  loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits),
});

const train = makeData(800, 1);
const test = makeData(200, 2);
const started = performance.now();
await net.fit(train.x, tf.oneHot(train.y, 4), { epochs: 5, batchSize: 32, verbose: 0 });
console.log(`trained for ${((performance.now() - started) / 1000).toFixed(1)} s`);

// 3. Wrap it (inference mode) and attack it.
const model = fromLayersModel(net, { training: false });
const eps = 0.1;
const single = await pgd({ eps, steps: 20, seed: 0 }).run(model, test.x, test.y);
console.log(
  `PGD-20 (eps ${eps}): ${single.success.filter(Boolean).length}/${single.success.length} test points fooled`,
);
single.xAdv.dispose();

// 4. A trustworthy evaluation: per-attack and worst-case accuracy, settings, timings and trust-check flags.
const reportPath = join(tmpdir(), 'edl-attack-report.json');
const report = await evaluateRobustness(
  model,
  test,
  [
    fgsm({ eps }),
    pgd({ eps, steps: 20, seed: 0 }),
    pgd({ eps, steps: 20, loss: 'cw', seed: 0, name: 'cw-linf' }),
    corruption({ type: 'impulse', severity: 3, seed: 0 }),
  ],
  { metadata: { model: 'toy CNN', data: 'synthetic 8x8 patterns' } },
);
console.log(`clean accuracy ${(100 * report.cleanAccuracy).toFixed(1)}%`);
for (const a of report.attacks)
  console.log(`  ${a.name.padEnd(20)} ${(100 * a.accuracy).toFixed(1)}%  (${a.seconds.toFixed(2)} s)`);
console.log(`worst case over all attacks ${(100 * report.worstCaseAccuracy).toFixed(1)}%`);
console.log(
  report.flags.length === 0
    ? 'no trust-check flags'
    : report.flags.map((f) => `[${f.severity}] ${f.id}: ${f.message}`).join('\n'),
);
await writeJsonAtomic(reportPath, report);
console.log(`full report: ${reportPath}`);

// 5. A robustness curve; the sweep also checks that accuracy falls towards 0 as eps grows.
const sweep = await epsilonSweep(
  model,
  test,
  (e) => pgd({ eps: e, steps: 10, stepSize: e / 4 }),
  [0.02, 0.05, 0.1, 0.3, 0.6],
);
console.log(sweep.points.map((p) => `eps ${p.eps}: ${(100 * p.accuracy).toFixed(1)}%`).join(' | '));
if (sweep.flags.length > 0) console.log(sweep.flags.map((f) => f.message).join('\n'));
