// Benchmark of @edl/attacks, on the wasm backend with @edl/ops' kernels and 2 threads:
// 1. PGD-20 loop overhead over the same plain forward+backward passes (bench/pgd-overhead.ts);
// 2. AutoAttack throughput per component and for the whole 'standard' version, with its passes counted and timed
//    alone, next to the reference PyTorch AutoAttack (bench/autoattack-throughput.ts, bench/autoattack_peer.py).
// Writes .bench/attacks.json. Run from the repo root: pnpm bench attacks (environment variables: see both files;
// EDL_BENCH_ONLY=pgd or =autoattack runs one part).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoAttackThroughput } from './autoattack-throughput.ts';
import { pgdOverhead, setupBackend } from './pgd-overhead.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const only = process.env.EDL_BENCH_ONLY;
const backend = await setupBackend(root);
console.log(`backend: ${backend}`);
const result: Record<string, unknown> = { backend, date: new Date().toISOString() };
if (only === undefined || only === 'pgd') {
  console.log('PGD-20 loop overhead');
  result.pgd = await pgdOverhead(root);
}
if (only === undefined || only === 'autoattack') {
  console.log('AutoAttack throughput (ours vs the reference PyTorch AutoAttack, interleaved)');
  result.autoattack = await autoAttackThroughput(root);
}
mkdirSync(join(root, '.bench'), { recursive: true });
const out = join(root, '.bench', 'attacks.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
