// Benchmark of @edl/models: one training step (forward, softmax cross-entropy, backward, SGD-momentum update) and
// one inference pass (eval mode) of the CIFAR ResNet18 at batch 32, standard and elastic DL (T = 3), on the wasm
// backend with @edl/ops' kernels and 2 threads, next to the PyTorch peer (/work/shared/bench/torch_peer.py) when
// /usr/bin/python3 has torch. Writes .bench/models.json. Run from the repo root:
//   node --conditions=@edl/source --import tsx packages/models/bench/index.ts
// Environment: EDL_BENCH_REPS (timed repetitions, default 3), EDL_BENCH_TORCH=0 to skip the peer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet } from '../src/index.ts';

const BATCH = 32;
const REPS = Number(process.env.EDL_BENCH_REPS ?? 3);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PEER = resolve(root, '../shared/bench/torch_peer.py');
const PYTHON = '/usr/bin/python3';
/** Paper Table 7: elastic / standard inference cost with 14 layers replaced. */
const PAPER_TABLE7_INFER_RATIO = 2.8;

interface Timing {
  ms: number;
  min: number;
  max: number;
  n: number;
}

function time(fn: () => void, warm: number, reps: number): Timing {
  const ts: number[] = [];
  for (let i = 0; i < warm + reps; i++) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    if (i >= warm) ts.push(dt);
  }
  ts.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { ms: round(ts[Math.floor(ts.length / 2)]!), min: round(ts[0]!), max: round(ts.at(-1)!), n: reps };
}

function benchModel(conv: 'standard' | 'elastic'): { train: Timing; infer: Timing } {
  // stepSizeRefresh: the PyTorch peer keeps t fixed, so refresh it only on the first training call here too.
  const model = resnet({ depth: 18, conv, numClasses: 10, steps: 3, stepSizeRefresh: 1e9, seed: 1 });
  const x = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor),
      );
      (optimizer as tf.Optimizer).applyGradients(grads);
      value.dataSync();
    });
  const infer = () =>
    tf.tidy(() => {
      (model.predict(x) as tf.Tensor).dataSync();
    });
  step(); // first call: creates the momentum slots and refreshes the step size once
  const before = tf.memory().numTensors;
  const train = time(step, 0, REPS);
  const inference = time(infer, 1, REPS);
  const grown = tf.memory().numTensors - before;
  if (grown !== 0) console.warn(`bench: ${conv}: the tensor count changed by ${grown} over the timed loops`);
  optimizer.dispose();
  tf.dispose([x, labels]);
  model.dispose();
  return { train, infer: inference };
}

function torchPeer(): Record<string, unknown> | { skipped: string } {
  if (process.env.EDL_BENCH_TORCH === '0') return { skipped: 'EDL_BENCH_TORCH=0' };
  if (!existsSync(PEER)) return { skipped: `${PEER} not found` };
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    return { skipped: `${PYTHON} has no torch` };
  }
  const cases = 'resnet18-standard,resnet18-elastic,infer-resnet18-standard,infer-resnet18-elastic';
  const r = spawnSync(PYTHON, [PEER, '--cases', cases, '--threads', '2', '--reps', String(REPS)], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `torch_peer.py failed: ${r.stderr.trim().split('\n').at(-1)}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const setup = await setupBackend({ backend: 'wasm', threads: 2 });
console.log(`backend: ${setup.backend}, ${setup.threads} threads, kernels: ${setup.kernels.join(', ')}`);
const standard = benchModel('standard');
const elastic = benchModel('elastic');
const torch = torchPeer();
const peerMs = (name: string) => (torch as Record<string, { ms?: number }>)[name]?.ms;
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? null : Math.round((a / b) * 100) / 100;

const cases = {
  'resnet18-standard': standard.train,
  'resnet18-elastic': elastic.train,
  'infer-resnet18-standard': standard.infer,
  'infer-resnet18-elastic': elastic.infer,
};
const result = {
  batch: BATCH,
  backend: setup.backend,
  threads: setup.threads,
  steps: 3,
  note: 'elastic: every 3x3 conv (17 layers) is DictConv2D, T=3; step size fixed after the first training call as in the peer',
  tfjs: cases,
  torch,
  tfjsOverTorch: Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, ratio(v.ms, peerMs(k))])),
  elasticOverStandard: {
    train: {
      tfjs: ratio(elastic.train.ms, standard.train.ms),
      torch: ratio(peerMs('resnet18-elastic'), peerMs('resnet18-standard')),
    },
    infer: {
      tfjs: ratio(elastic.infer.ms, standard.infer.ms),
      torch: ratio(peerMs('infer-resnet18-elastic'), peerMs('infer-resnet18-standard')),
      paperTable7: PAPER_TABLE7_INFER_RATIO,
    },
  },
};

console.log('\ncase                       tfjs ms (min-max)        torch ms   tfjs/torch');
for (const [name, t] of Object.entries(cases)) {
  const p = peerMs(name);
  console.log(
    `${name.padEnd(26)} ${`${t.ms} (${t.min}-${t.max})`.padEnd(24)} ${String(p ?? '-').padEnd(10)} ${ratio(t.ms, p) ?? '-'}`,
  );
}
const eo = result.elasticOverStandard;
console.log(`\nelastic/standard  train: tfjs ${eo.train.tfjs}, torch ${eo.train.torch ?? '-'}`);
console.log(
  `elastic/standard  infer: tfjs ${eo.infer.tfjs}, torch ${eo.infer.torch ?? '-'}, paper Table 7 ${PAPER_TABLE7_INFER_RATIO} (14 layers)`,
);
if ('skipped' in torch) console.log(`torch peer skipped: ${torch.skipped}`);
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'models.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${join('.bench', 'models.json')}`);
