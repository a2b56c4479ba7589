// Benchmark of @edl/models: one training step (forward, softmax cross-entropy, backward, SGD-momentum update) and
// one inference pass (eval mode) of the CIFAR ResNet18 at batch 32, standard and elastic DL (T = 3, all 17 3x3
// convs), on the wasm backend with @edl/ops' kernels and 2 threads, next to the PyTorch peer
// (/work/shared/bench/torch_peer.py) when /usr/bin/python3 has torch. Each case runs in its own process
// (bench/case.ts). If the batch-32 elastic training step fails (wasm's 4 GB heap), both training steps are also
// timed at batch 16 for the elastic / standard ratio. Writes .bench/models.json. Run from the repo root:
//   node --conditions=@edl/source --import tsx packages/models/bench/index.ts
// Environment: EDL_BENCH_REPS (timed repetitions after one warm-up, default 3), EDL_BENCH_TORCH=0 skips the peer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPS = Number(process.env.EDL_BENCH_REPS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
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
type Outcome = Timing | { error: string };

function runCase(conv: string, mode: string, batch: number): Outcome {
  process.stdout.write(`  ${mode} ${conv} batch ${batch} ... `);
  const r = spawnSync(
    process.execPath,
    ['--conditions=@edl/source', '--import', 'tsx', join(here, 'case.ts'), conv, mode, String(batch), String(REPS)],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) {
    const lines = `${r.stderr}`.split('\n').filter((l) => /Error|Aborted|status/.test(l) && l.length < 300);
    const error = `exit ${r.status ?? r.signal}: ${lines.slice(0, 3).join(' | ') || 'no message'}`;
    console.log(`failed (${error})`);
    return { error };
  }
  const timing = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Timing;
  console.log(`${timing.ms} ms`);
  return timing;
}

function torchPeer(): Record<string, unknown> {
  if (process.env.EDL_BENCH_TORCH === '0') return { skipped: 'EDL_BENCH_TORCH=0' };
  if (!existsSync(PEER)) return { skipped: `${PEER} not found` };
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    return { skipped: `${PYTHON} has no torch` };
  }
  const cases = 'resnet18-standard,resnet18-elastic,infer-resnet18-standard,infer-resnet18-elastic';
  // Debian's OpenBLAS settings in this environment (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) slow torch down; the peer
  // runs without them, as the attacks bench's peer does.
  const { OPENBLAS_CORETYPE: _c, OPENBLAS_L2_SIZE: _l, ...env } = process.env;
  const r = spawnSync(PYTHON, [PEER, '--cases', cases, '--threads', '2', '--reps', String(REPS)], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) return { skipped: `torch_peer.py failed: ${r.stderr.trim().split('\n').at(-1)}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const msOf = (o: unknown) => (o && typeof o === 'object' && 'ms' in o ? (o as Timing).ms : undefined);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? null : Math.round((a / b) * 100) / 100;

console.log(`@edl/models bench: wasm, 2 threads, ${REPS} timed reps per case`);
const tfjs: Record<string, Outcome> = {
  'resnet18-standard': runCase('standard', 'train', 32),
  'resnet18-elastic': runCase('elastic', 'train', 32),
  'infer-resnet18-standard': runCase('standard', 'infer', 32),
  'infer-resnet18-elastic': runCase('elastic', 'infer', 32),
};
const batch16: Record<string, Outcome> = {};
if (msOf(tfjs['resnet18-elastic']) === undefined) {
  console.log('  elastic training failed at batch 32: timing both at batch 16 for the ratio');
  batch16['resnet18-standard'] = runCase('standard', 'train', 16);
  batch16['resnet18-elastic'] = runCase('elastic', 'train', 16);
}
console.log('  torch peer ...');
const torch = torchPeer();
const peer = (name: string) => msOf((torch as Record<string, unknown>)[name]);

const trainRatio =
  ratio(msOf(tfjs['resnet18-elastic']), msOf(tfjs['resnet18-standard'])) ??
  ratio(msOf(batch16['resnet18-elastic']), msOf(batch16['resnet18-standard']));
const result = {
  batch: 32,
  backend: 'wasm',
  threads: 2,
  steps: 3,
  note: 'elastic: all 17 3x3 convs are DictConv2D (T=3); the step size is set on the first training call only, as in the peer',
  tfjs,
  ...(Object.keys(batch16).length > 0 ? { tfjsBatch16: batch16 } : {}),
  torch,
  tfjsOverTorch: Object.fromEntries(Object.keys(tfjs).map((k) => [k, ratio(msOf(tfjs[k]), peer(k))])),
  elasticOverStandard: {
    train: {
      tfjs: trainRatio,
      tfjsBatch: msOf(tfjs['resnet18-elastic']) === undefined ? 16 : 32,
      torch: ratio(peer('resnet18-elastic'), peer('resnet18-standard')),
    },
    infer: {
      tfjs: ratio(msOf(tfjs['infer-resnet18-elastic']), msOf(tfjs['infer-resnet18-standard'])),
      torch: ratio(peer('infer-resnet18-elastic'), peer('infer-resnet18-standard')),
      paperTable7: PAPER_TABLE7_INFER_RATIO,
    },
  },
};

console.log('\ncase                       tfjs ms (min-max)        torch ms   tfjs/torch');
for (const [name, t] of Object.entries(tfjs)) {
  const cell = 'error' in t ? 'failed' : `${t.ms} (${t.min}-${t.max})`;
  console.log(
    `${name.padEnd(26)} ${cell.padEnd(24)} ${String(peer(name) ?? '-').padEnd(10)} ${ratio(msOf(t), peer(name)) ?? '-'}`,
  );
}
for (const [name, t] of Object.entries(batch16)) {
  console.log(`${`${name} (batch 16)`.padEnd(26)} ${'error' in t ? 'failed' : `${t.ms} (${t.min}-${t.max})`}`);
}
const eo = result.elasticOverStandard;
console.log(
  `\nelastic/standard train: tfjs ${eo.train.tfjs ?? '-'} (batch ${eo.train.tfjsBatch}), torch ${eo.train.torch ?? '-'}`,
);
console.log(
  `elastic/standard infer: tfjs ${eo.infer.tfjs ?? '-'}, torch ${eo.infer.torch ?? '-'}, paper Table 7 ${PAPER_TABLE7_INFER_RATIO} (14 layers)`,
);
if ('skipped' in torch) console.log(`torch peer skipped: ${String(torch.skipped)}`);
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'models.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${join('.bench', 'models.json')}`);
