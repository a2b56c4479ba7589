// Benchmark of @edl/training: seconds per PGD-AT (PGD-7) epoch for the main job's model and data (standard and
// Vanilla-DL ResNet10 on the embedded MNIST digits), and the share of time spent in attacks vs updates.
// Run from the repo root: node --conditions=@edl/source --import tsx packages/training/bench/index.ts [batches]
import { setupBackend } from '@edl/ops';
import { benchPgdAtEpoch, type EpochBenchRow, writeBench } from '../src/cli/bench-command.ts';

const batches = Number(process.argv[2] ?? 3);
const info = await setupBackend({ backend: 'auto' });
const rows: EpochBenchRow[] = [];
for (const conv of ['standard', 'vanilla'] as const) rows.push(await benchPgdAtEpoch({ conv, batches }));
writeBench(rows, '.bench/training.json', `${info.backend} (${info.threads} threads)`);
