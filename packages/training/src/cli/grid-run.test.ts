import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GridReport } from '../grid/grid-report.ts';
import { runCliCaptured as cli } from '../testing/run-cli.ts';

// Real cells, tiny: 16 MNIST images, width 1/16, 2 epochs of 2 steps, on the wasm backend with one thread (the
// project's native conv kernels: a step takes ~0.1 s there, ~5 s on the pure-JS cpu backend).
const TRAIN = {
  trainCount: 16,
  testCount: 8,
  width: 0.0625,
  conv: 'standard',
  method: 'standard',
  epochs: 2,
  batchSize: 8,
  schedule: 'constant',
  monitorCount: 8,
  attackSteps: 1,
  backend: 'wasm',
  threads: 1,
};
const EVAL = ['--count', '8', '--pgd-steps', '1', '--batch-size', '8'];

function gridFile(dir: string, name: string): { config: string; out: string } {
  const out = join(dir, name);
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ out, train: TRAIN, grid: { seed: [3, 4] }, eval: EVAL }));
  return { config, out };
}

/** The bytes of a saved model's weights (every file its model.json lists). */
function weights(modelDir: string): Buffer {
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  return Buffer.concat(manifest.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(modelDir, p)))));
}

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('edl grid run (real tiny cells)', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  const dir = mkdtempSync(join(tmpdir(), 'edl-grid-run-'));
  const straight = gridFile(dir, 'straight');
  const killed = gridFile(dir, 'killed');
  const cell = (out: string) => join(out, 'cell-1');

  it('trains and evaluates cell k into its own folder; re-submitted when done, it is skipped', async () => {
    const first = await cli(['grid', 'run', straight.config, '--index', '1']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('grid cell 1/2: seed=4 (from --index)');
    const c = cell(straight.out);
    expect(existsSync(join(straight.out, 'cell-0'))).toBe(false);
    expect(json(join(c, 'config.json'))).toMatchObject({ seed: 4, epochs: 2, out: c, resume: true });
    expect(lines(join(c, 'metrics.jsonl')).map((l) => JSON.parse(l).epoch)).toEqual([1, 2]);
    expect(json(join(c, 'cell.json'))).toMatchObject({ index: 1, state: 'done', values: { seed: 4 }, eval: EVAL });
    const report = json(join(c, 'robustness.json'));
    expect(report.numSamples).toBe(8);
    expect(report.attacks.map((a: { name: string }) => a.name)).toEqual(['fgsm', 'pgd-1']);
    expect(existsSync(join(c, 'run.lock'))).toBe(false);

    const before = {
      weights: weights(join(c, 'final')),
      report: readFileSync(join(c, 'robustness.json'), 'utf8'),
      mtime: statSync(join(c, 'robustness.json')).mtimeMs,
      status: readFileSync(join(c, 'cell.json'), 'utf8'),
    };
    const again = await cli(['grid', 'run', straight.config], { SLURM_ARRAY_TASK_ID: '1' });
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('grid cell 1: already done');
    expect(again.err).not.toContain('backend'); // nothing was trained or evaluated
    expect(lines(join(c, 'metrics.jsonl'))).toHaveLength(2);
    expect(weights(join(c, 'final')).equals(before.weights)).toBe(true);
    expect(readFileSync(join(c, 'robustness.json'), 'utf8')).toBe(before.report);
    expect(statSync(join(c, 'robustness.json')).mtimeMs).toBe(before.mtime);
    expect(readFileSync(join(c, 'cell.json'), 'utf8')).toBe(before.status);

    // killed during its evaluation (training done, report not written): re-submitted, it evaluates without retraining
    rmSync(join(c, 'robustness.json'));
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(join(c, 'cell.json'), JSON.stringify({ ...JSON.parse(before.status), state: 'running', pid: dead }));
    const evalOnly = await cli(['grid', 'run', straight.config, '--index', '1']);
    expect(evalOnly.code, evalOnly.err).toBe(0);
    expect(evalOnly.out).toContain(`the last run (pid ${dead} on`);
    expect(lines(join(c, 'metrics.jsonl'))).toHaveLength(2); // no epoch trained again
    expect(weights(join(c, 'final')).equals(before.weights)).toBe(true);
    expect(json(join(c, 'robustness.json')).samples).toEqual(JSON.parse(before.report).samples);
    expect(json(join(c, 'cell.json')).state).toBe('done');

    // the config edited after the cell ran: refused, not silently mixed
    writeFileSync(
      straight.config,
      JSON.stringify({ out: straight.out, train: { ...TRAIN, lr: 0.01 }, grid: { seed: [3, 4] }, eval: EVAL }),
    );
    const changed = await cli(['grid', 'run', straight.config, '--index', '1']);
    expect(changed.code).toBe(2);
    expect(changed.err).toContain('holds a run with other train settings than the grid config has now');
    gridFile(dir, 'straight'); // restored
  });

  /** Runs `edl grid run <config> --index 1` in a child that sends itself `signal` once epoch 1 is checkpointed. */
  const signalled = (config: string, out: string, signal: 'SIGKILL' | 'SIGTERM') =>
    spawnSync(
      process.execPath,
      [
        '--conditions=@edl/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'testing', 'kill-after-checkpoint-child.ts'),
        signal,
        join(cell(out), 'checkpoints'),
        '1',
        ...['grid', 'run', config, '--index', '1'],
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );

  /** The resumed cell ends as the uninterrupted one: final weights bit for bit, metrics, per-sample outcomes. */
  const expectSameAsStraight = (c: string) => {
    const reference = cell(straight.out);
    const epochs = lines(join(c, 'metrics.jsonl')).map((l) => JSON.parse(l));
    expect(epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(weights(join(c, 'final')).equals(weights(join(reference, 'final')))).toBe(true);
    const strip = (m: Record<string, unknown>) => ({ ...m, seconds: 0 });
    expect(epochs.map(strip)).toEqual(lines(join(reference, 'metrics.jsonl')).map((l) => strip(JSON.parse(l))));
    expect(json(join(c, 'robustness.json')).samples).toEqual(json(join(reference, 'robustness.json')).samples);
    expect(json(join(c, 'cell.json')).state).toBe('done');
    expect(existsSync(join(c, 'run.lock'))).toBe(false);
  };

  it('a cell killed mid-epoch resumes from its checkpoint past the stale lock, ending bit-exact', async () => {
    const c = cell(killed.out);
    const child = signalled(killed.config, killed.out, 'SIGKILL');
    expect(child.signal, child.stdout + child.stderr).toBe('SIGKILL');
    expect(child.stdout).toContain('SIGKILL after ckpt-e0001-');
    // what a scheduler's kill leaves: an epoch-1 checkpoint, no final model, a stale lock, cell.json "running"
    expect(json(join(c, 'checkpoints', 'latest.json')).dir).toMatch(/^ckpt-e0001-/);
    expect(existsSync(join(c, 'final'))).toBe(false);
    expect(json(join(c, 'run.lock')).pid).toBe(child.pid);
    expect(json(join(c, 'cell.json'))).toMatchObject({ state: 'running', pid: child.pid });
    expect(lines(join(c, 'metrics.jsonl'))).toHaveLength(1);
    const partial = await cli(['grid', 'report', killed.config]);
    expect(partial.code).toBe(1);
    expect(partial.out).toMatch(/cell 1 seed=4: KILLED: pid \d+ is gone/);
    expect(partial.out).toContain('cell 0 seed=3: MISSING');

    const resumed = await cli(['grid', 'run', killed.config, '--index', '1']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('ended without a word; resuming');
    expect(resumed.err).toMatch(new RegExp(`removing the stale lock .*pid ${child.pid} on .* is gone`));
    expect(resumed.err).not.toContain('no checkpoint');
    expectSameAsStraight(c);
  });

  it("a cell stopped by the scheduler's SIGTERM checkpoints inside epoch 2, is marked interrupted, resumes bit-exact", async () => {
    const stopped = gridFile(dir, 'stopped');
    const c = cell(stopped.out);
    const child = signalled(stopped.config, stopped.out, 'SIGTERM');
    expect(child.status, child.stdout + child.stderr).toBe(130);
    expect(child.stderr).toContain('interrupted: checkpoint written to');
    // stopped inside epoch 2 at a step boundary (after step 1 of 2 here; step 0 if the signal lands sooner), lock released
    expect(json(join(c, 'checkpoints', 'latest.json')).dir).toMatch(/^ckpt-e0001-s0000[01]-/);
    expect(existsSync(join(c, 'run.lock'))).toBe(false);
    expect(existsSync(join(c, 'final'))).toBe(false);
    expect(json(join(c, 'cell.json'))).toMatchObject({ state: 'interrupted', phase: 'train', exitCode: 130 });
    const partial = await cli(['grid', 'report', stopped.config]);
    expect(partial.out).toContain('cell 1 seed=4: INTERRUPTED: train interrupted (checkpoint kept)');

    const resumed = await cli(['grid', 'run', stopped.config, '--index', '1']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('grid cell 1: last run interrupted; resuming');
    expectSameAsStraight(c);
  });

  it('report gathers the finished cells into one table and HTML page, marking the missing one', async () => {
    const r = await cli(['grid', 'report', straight.config]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('cell 0 seed=3: MISSING: not run');
    expect(r.out).toMatch(/cell 1 seed=4: clean \d+\.\d%, fgsm \d+\.\d%, pgd-1 \d+\.\d%, worst \d+\.\d%/);
    const report = json(join(straight.out, 'grid-report.json')) as GridReport;
    expect(report.cells.map((c) => c.state)).toEqual(['missing', 'done']);
    const evaluated = json(join(cell(straight.out), 'robustness.json'));
    expect(report.cells[1]).toMatchObject({
      clean: evaluated.cleanAccuracy,
      worstCase: evaluated.worstCaseAccuracy,
      modelFingerprint: evaluated.run.modelFingerprint,
    });
    const html = readFileSync(join(straight.out, 'report', 'report.html'), 'utf8');
    expect(html).toContain('<th>model</th><th>clean</th><th>fgsm</th><th>pgd-1</th><th>worst case</th><th>status</th>');
    expect(html).toContain('MISSING: not run');
    expect(html).toContain(`<td>cell 1: seed=4</td><td>${(100 * evaluated.cleanAccuracy).toFixed(1)}%</td>`);
    expect(html).toContain('<svg'); // the training curves of the done cell
  });
});
