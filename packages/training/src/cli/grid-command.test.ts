import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliCaptured as cli } from '../testing/run-cli.ts';

// Training a cell takes minutes on the cpu backend, so `grid run` is exercised here up to edl train's own config
// validation; the train + eval path is `edl train` and `edl eval`, tested on their own.
describe('edl grid', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('plans the cells, validates each with edl train rules, and reports only when every cell has a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-grid-'));
    const config = join(dir, 'g.json');
    const out = join(dir, 'out');
    writeFileSync(
      config,
      JSON.stringify({ out, train: { epochs: 1 }, grid: { conv: ['standard', 'vanilla'], seed: [0, 1] } }),
    );
    const plan = await cli(['grid', 'plan', '--config', config]);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toContain('cell 3: conv=vanilla, seed=1');
    expect(plan.out).toContain('sbatch --array=0-3');
    const saved = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { cells: { train: unknown }[] };
    expect(saved.cells[2]?.train).toEqual({ epochs: 1, conv: 'vanilla', seed: 0 });
    expect(JSON.parse(readFileSync(join(out, 'cell-1', 'train-config.json'), 'utf8'))).toEqual({
      epochs: 1,
      conv: 'standard',
      seed: 1,
    });

    const missing = await cli(['grid', 'report', '--config', config]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('4 of 4 cells have no robustness.json: 0 (conv=standard, seed=0)');
    for (let k = 0; k < 4; k++) {
      mkdirSync(join(out, `cell-${k}`), { recursive: true });
      if (k === 2) continue;
      const report = {
        cleanAccuracy: 0.9,
        worstCaseAccuracy: 0.1 * k,
        attacks: [{ name: 'pgd-20', accuracy: 0.1 * k }],
        flags: [],
        run: { modelFingerprint: `sha256:${k}` },
      };
      writeFileSync(join(out, `cell-${k}`, 'robustness.json'), JSON.stringify(report));
    }
    const one = await cli(['grid', 'report', '--config', config]);
    expect(one.err).toContain('1 of 4 cells have no robustness.json: 2 (conv=vanilla, seed=0)');
    writeFileSync(
      join(out, 'cell-2', 'robustness.json'),
      JSON.stringify({
        cleanAccuracy: 1,
        worstCaseAccuracy: 0.5,
        attacks: [],
        flags: [],
        run: { modelFingerprint: 'x' },
      }),
    );
    const all = await cli(['grid', 'report', '--config', config]);
    expect(all.code, all.err).toBe(0);
    const rows = (JSON.parse(readFileSync(join(out, 'grid-report.json'), 'utf8')) as { cells: { worstCase: number }[] })
      .cells;
    expect(rows.map((r) => r.worstCase)).toEqual([0, 0.1, 0.5, 0.30000000000000004]);
  });

  it('run takes the cell from --index, Slurm or Kubernetes and refuses bad cells and indices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-grid-'));
    const config = join(dir, 'g.json');
    writeFileSync(config, JSON.stringify({ out: join(dir, 'out'), grid: { epochs: [1, 0] } }));
    const bad = await cli(['grid', 'run', '--config', config, '--index', '1']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('grid cell 1/2: epochs=0 (from --index)');
    expect(bad.err).toContain('grid cell 1 (epochs=0): --epochs: expected a positive integer, got 0');
    const slurm = await cli(['grid', 'run', '--config', config], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '2',
    });
    expect(slurm.out).toContain('grid cell 1/2: epochs=0 (from SLURM_ARRAY_TASK_ID');
    const k8s = await cli(['grid', 'run', '--config', config], { JOB_COMPLETION_INDEX: '1' });
    expect(k8s.out).toContain('grid cell 1/2: epochs=0 (from JOB_COMPLETION_INDEX');
    const none = await cli(['grid', 'run', '--config', config]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--index: which cell? pass --index 0..1');
    const range = await cli(['grid', 'run', '--config', config, '--index', '2']);
    expect(range.err).toContain('shard index 2 is out of range for 2 shards');
    writeFileSync(config, JSON.stringify({ grid: { seed: [] } }));
    expect((await cli(['grid', 'plan', '--config', config])).err).toContain('grid.seed must be a non-empty list');
  });
});
