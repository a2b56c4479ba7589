// Benchmark of @edl/training: seconds per PGD-AT (PGD-7) epoch for the main job's model and data (standard and
// Vanilla-DL ResNet10 on the embedded MNIST digits), and the share of time spent in attacks vs updates; then the
// peak memory of the elastic ResNet18 training step at batch 32 / 64 / 128 (bench/step-memory-cases.ts, written to
// the same JSON as `stepMemory`; EDL_BENCH_MEMORY=0 skips it).
// Run from the repo root: node --conditions=@edl/source --import tsx packages/training/bench/index.ts [batches]
import { readFileSync, writeFileSync } from 'node:fs';
import { setupBackend } from '@edl/ops';
import { benchPgdAtEpoch, type EpochBenchRow, writeBench } from '../src/cli/bench-command.ts';
import { benchStepMemory } from './step-memory-cases.ts';

const batches = Number(process.argv[2] ?? 3);
const info = await setupBackend({ backend: 'auto' });
const rows: EpochBenchRow[] = [];
for (const conv of ['standard', 'vanilla'] as const) rows.push(await benchPgdAtEpoch({ conv, batches }));
writeBench(rows, '.bench/training.json', `${info.backend} (${info.threads} threads)`);
if (process.env.EDL_BENCH_MEMORY !== '0') {
  console.log('peak memory of the elastic ResNet18 (T = 3, recomputeStages [0, 1]) training step, wasm, 2 threads:');
  const stepMemory = benchStepMemory();
  const file = '.bench/training.json';
  writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), stepMemory }, null, 2)}\n`);
}
