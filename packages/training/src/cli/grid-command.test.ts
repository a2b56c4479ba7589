import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GridReport } from '../grid/grid-report.ts';
import { runCliCaptured as cli } from '../testing/run-cli.ts';

// Fast paths only (plan, config and index errors, report from hand-written cells); grid-run.test.ts trains real cells.
describe('edl grid', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('plans the cells, validates each with edl train rules; report marks missing, failed and killed cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-grid-'));
    const config = join(dir, 'g.json');
    const out = join(dir, 'out');
    const grid = { out, train: { epochs: 1 }, grid: { conv: ['standard', 'vanilla'], seed: [0, 1] } };
    writeFileSync(config, JSON.stringify(grid));
    const plan = await cli(['grid', 'plan', config]);
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
    expect((await cli(['grid', 'plan', '--config', config])).code).toBe(0); // the flag form works too

    const none = await cli(['grid', 'report', config]);
    expect(none.code).toBe(1);
    expect(none.out).toContain('cell 0 conv=standard, seed=0: MISSING: not run');
    expect(none.err).toContain('4 of 4 cells not done (0 missing, 1 missing, 2 missing, 3 missing)');
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);

    const train = (k: number) => ({ epochs: 1, conv: k < 2 ? 'standard' : 'vanilla', seed: k % 2 });
    const status = (k: number, extra: Record<string, unknown>) =>
      writeFileSync(
        join(out, `cell-${k}`, 'cell.json'),
        JSON.stringify({
          index: k,
          values: {},
          train: train(k),
          eval: [],
          host: hostname(),
          started: 'then',
          ...extra,
        }),
      );
    const report = (k: number, worst: number) =>
      writeFileSync(
        join(out, `cell-${k}`, 'robustness.json'),
        JSON.stringify({
          cleanAccuracy: 0.9,
          worstCaseAccuracy: worst,
          attacks: [{ name: 'pgd-20', accuracy: worst }],
          flags: k === 3 ? [{ id: 'clean-accuracy-low', severity: 'warning', message: 'x' }] : [],
          run: { modelFingerprint: `sha256:${k}` },
        }),
      );
    for (const k of [0, 1, 2, 3]) mkdirSync(join(out, `cell-${k}`), { recursive: true });
    report(0, 0.25); // no cell.json (hand-written): counted as done
    status(1, { state: 'failed', phase: 'train', exitCode: 1, pid: process.pid });
    status(2, { state: 'running', pid: 2 ** 22 + 17 }); // a pid that does not exist: killed
    status(3, { state: 'done', pid: process.pid, finished: 'now' });
    report(3, 0.5);
    const partial = await cli(['grid', 'report', config]);
    expect(partial.code).toBe(1);
    expect(partial.out).toContain('cell 0 conv=standard, seed=0: clean 90.0%, pgd-20 25.0%, worst 25.0%');
    expect(partial.out).toContain('cell 1 conv=standard, seed=1: FAILED: train failed (exit 1)');
    expect(partial.out).toMatch(/cell 2 conv=vanilla, seed=0: KILLED: pid \d+ is gone: killed mid-run/);
    expect(partial.out).toContain('cell 3 conv=vanilla, seed=1: clean 90.0%, pgd-20 50.0%, worst 50.0% FLAGS');
    expect(partial.err).toContain('2 of 4 cells not done (1 failed, 2 killed)');
    const json = JSON.parse(readFileSync(join(out, 'grid-report.json'), 'utf8')) as GridReport;
    expect(json.cells.map((c) => c.state)).toEqual(['done', 'failed', 'killed', 'done']);
    expect(json.cells.map((c) => c.worstCase)).toEqual([0.25, null, null, 0.5]);
    expect(json.counts).toEqual({ done: 2, failed: 1, killed: 1 });
    expect(json.complete).toBe(false);
    const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
    expect(html).toContain('<th>status</th>');
    expect(html).toContain('<td>cell 1: conv=standard, seed=1</td><td>–</td><td>–</td><td>–</td>');
    expect(html).toContain('FAILED: train failed (exit 1)');
    expect(html).toContain('<td>cell 3: conv=vanilla, seed=1</td><td>90.0%</td><td>50.0%</td><td>50.0%</td>');
    // the cell's flags whole (they were ids only), listed with severity and message
    expect(json.cells[3]?.flags).toEqual([{ id: 'clean-accuracy-low', severity: 'warning', message: 'x' }]);
    expect(html).toContain('cell 3: [warning] clean-accuracy-low: x');

    status(1, { state: 'done', pid: process.pid });
    report(1, 0.125);
    status(2, { state: 'done', pid: process.pid, train: { epochs: 3 } }); // ran with other settings
    report(2, 0.125);
    const changed = await cli(['grid', 'report', config]);
    expect(changed.out).toContain('cell 2 conv=vanilla, seed=0: CHANGED: ran with other train settings');
    status(2, { state: 'done', pid: process.pid });
    const all = await cli(['grid', 'report', config]);
    expect(all.code, all.err).toBe(0);
    const done = JSON.parse(readFileSync(join(out, 'grid-report.json'), 'utf8')) as GridReport;
    expect(done.complete).toBe(true);
    expect(done.cells.map((c) => c.worstCase)).toEqual([0.25, 0.125, 0.125, 0.5]);
  });

  it('run takes the cell from --index, Slurm or Kubernetes and refuses bad cells, indices and configs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-grid-'));
    const config = join(dir, 'g.json');
    const out = join(dir, 'out');
    writeFileSync(config, JSON.stringify({ out, grid: { epochs: [1, 0] } }));
    const bad = await cli(['grid', 'run', config, '--index', '1']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('grid cell 1/2: epochs=0 (from --index)');
    expect(bad.err).toContain('grid cell 1 (epochs=0): --epochs: expected a positive integer, got 0');
    const failed = JSON.parse(readFileSync(join(out, 'cell-1', 'cell.json'), 'utf8'));
    expect(failed).toMatchObject({ index: 1, state: 'failed', phase: 'config', exitCode: 2 });
    // a lone re-submitted Slurm task (sbatch --array=1: MIN 1, COUNT 1) is still cell 1
    const slurm = await cli(['grid', 'run', '--config', config], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '1',
      SLURM_ARRAY_TASK_MIN: '1',
    });
    expect(slurm.out).toContain('grid cell 1/2: epochs=0 (from SLURM_ARRAY_TASK_ID)');
    const k8s = await cli(['grid', 'run', config], { JOB_COMPLETION_INDEX: '1' });
    expect(k8s.out).toContain('grid cell 1/2: epochs=0 (from JOB_COMPLETION_INDEX');
    const errors: [string[], Record<string, string>, string][] = [
      [[config], {}, '--index: which cell? pass --index 0..1'],
      [[config, '--index', '2'], {}, '--index: cell 2 is out of range: the grid has 2 cells (0..1)'],
      [[config, '--index', 'x'], {}, '--index: expected a cell index, an integer in 0..1, got "x"'],
      [[config], { SLURM_ARRAY_TASK_ID: '5' }, 'SLURM_ARRAY_TASK_ID: cell 5 is out of range: the grid has 2 cells'],
      [[config, '--config', join(dir, 'other.json')], {}, 'grid: two configs given'],
      [[], {}, 'grid: which config? pass the grid JSON file'],
      [[join(dir, 'nope.json')], {}, `grid config: file not found: ${join(dir, 'nope.json')}`],
    ];
    for (const [args, env, message] of errors) {
      const r = await cli(['grid', 'run', ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(message);
    }
    writeFileSync(config, '{"grid": {"seed": [0, 1]},}');
    expect((await cli(['grid', 'run', config, '--index', '0'])).err).toContain(
      `grid config: ${config} is not valid JSON`,
    );
    const malformed: [unknown, string][] = [
      [{ grid: { seed: [] } }, 'grid.seed must be a non-empty list'],
      [{ grid: { seed: [0] }, evals: [] }, 'unknown key "evals"'],
      [[1, 2], 'expected a JSON object'],
      [{ out: 'x' }, '"grid" must be an object of setting -> list of values'],
    ];
    for (const [value, message] of malformed) {
      writeFileSync(config, JSON.stringify(value));
      for (const cmd of ['plan', 'run', 'report']) {
        const r = await cli(['grid', cmd, config, ...(cmd === 'run' ? ['--index', '0'] : [])]);
        expect(r.code, `${cmd} ${message}`).toBe(2);
        expect(r.err, `${cmd} ${message}`).toContain(message);
      }
    }
  });
});
