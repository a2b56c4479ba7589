// The memory part of the @edl/training benchmark: peak wasm heap and process RSS of the elastic ResNet18 training
// step (bench/step-memory.ts, one process per case, one after the other) at the batch sizes of issue 16: 32 as one
// batch, 64 and 128 as micro-batches of 32 (gradient accumulation), plus 64 and 128 as one batch, which do not fit
// the wasm heap (64: the first step fits at 3.97 GiB, the second runs out).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One case: its figures, or the error it ended with (and the figures up to then). */
export type StepMemoryRow = Record<string, unknown> & { batch: number; accumulate: number };

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

/** The cases as `[batch, accumulate]`. */
export const STEP_MEMORY_CASES: readonly [number, number][] = [
  [32, 1],
  [64, 2],
  [128, 4],
  [64, 1],
  [128, 1],
];

/** Runs each case in its own process and returns its row. */
export function benchStepMemory(cases: readonly [number, number][] = STEP_MEMORY_CASES): StepMemoryRow[] {
  const rows: StepMemoryRow[] = [];
  for (const [batch, accumulate] of cases) {
    process.stdout.write(`  elastic ResNet18 step, batch ${batch}, accumulate ${accumulate} ... `);
    const r = spawnSync(
      process.execPath,
      ['--conditions=@edl/source', '--import', 'tsx', join(here, 'step-memory.ts'), String(batch), String(accumulate)],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const last = `${r.stdout}`.trim().split('\n').at(-1) ?? '';
    let row: StepMemoryRow;
    try {
      row = JSON.parse(last) as StepMemoryRow;
    } catch {
      const lines = `${r.stderr}`.split('\n').filter((l) => /Error|Aborted/.test(l) && l.length < 400);
      row = { batch, accumulate, error: `exit ${r.status ?? r.signal}: ${lines.slice(0, 3).join(' | ')}` };
    }
    console.log(row.error ? `failed (${String(row.error).slice(0, 160)})` : `heap ${row.wasmHeapGiB} GiB`);
    rows.push(row);
  }
  return rows;
}
