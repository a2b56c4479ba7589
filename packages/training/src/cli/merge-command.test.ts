import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '@edl/datasets/node';
import { fileSystemHandler } from '@edl/models/node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MergedReport } from '../shard/shard-report.ts';
import { prototypeModel } from '../testing/prototype-model.ts';
import { runCliCaptured as cli } from '../testing/run-cli.ts';

describe('edl eval --shard / edl attack --shard / edl merge', () => {
  let dir: string;
  let modelDir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edl-shard-'));
    modelDir = join(dir, 'model');
    const model = prototypeModel(loadMnist({ split: 'train' }), 1);
    await model.save(fileSystemHandler(modelDir));
    model.dispose();
  });
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('3 shards (flag, Slurm env, Kubernetes env) merge into the unsharded report, sample by sample', async () => {
    const common = ['--model', modelDir, '--count', '24', '--pgd-steps', '3', '--eps', '0.1', '--batch-size', '4'];
    const base = ['eval', ...common, '--backend', 'cpu'];
    const whole = await cli([...base, '--report', join(dir, 'whole.json')]);
    expect(whole.code, whole.err).toBe(0);
    expect(whole.out).toContain('unsharded');
    const report = join(dir, 'shards', 'r.json');
    const s0 = await cli([...base, '--report', report, '--shard', '0/3']);
    const s1 = await cli([...base, '--report', report], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' });
    const s2 = await cli([...base, '--report', report], { JOB_COMPLETION_INDEX: '2', EDL_SHARD_COUNT: '3' });
    expect([s0.code, s1.code, s2.code]).toEqual([0, 0, 0]);
    expect(s0.out).toContain('shard 0/3 (from --shard)');
    expect(s1.out).toContain('shard 1/3 (from SLURM_ARRAY_TASK_ID');
    expect(s2.out).toContain('shard 2/3 (from JOB_COMPLETION_INDEX');
    const merged = await cli(['merge', join(dir, 'shards'), '--out', join(dir, 'merged.json')]);
    expect(merged.code, merged.err).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8')) as MergedReport;
    const b = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as MergedReport;
    expect(b.shards).toBe(3);
    expect(b.samples).toEqual(a.samples);
    expect(b.robust).toEqual(a.robust);
    expect(b.run).toEqual(a.run);
    expect(b.run.modelFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.attacks.map((x) => [x.name, x.attacked, x.successes, x.accuracy])).toEqual(
      a.attacks.map((x) => [x.name, x.attacked, x.successes, x.accuracy]),
    );
    expect(b.flags).toEqual(a.flags);
    expect(a.flags.length).toBeGreaterThan(0); // recomputed over all samples, not per shard
    expect(a.samples.filter((s) => s.robust).length).toBeGreaterThan(0);
    expect(a.samples.filter((s) => s.clean && !s.robust).length).toBeGreaterThan(0);

    // an interrupted merge into the shard folder itself leaves a partial temp file (and, once done, the merged
    // report) beside the shards: merging again reads neither and gives the same report
    writeFileSync(join(dir, 'shards', '.in.json.4242.0a1b2c.tmp'), '{"kind":"edl-shard-rep');
    const into = join(dir, 'shards', 'in.json');
    for (let i = 0; i < 2; i++) {
      const again = await cli(['merge', join(dir, 'shards'), '--out', into]);
      expect(again.code, again.err).toBe(0);
      expect((JSON.parse(readFileSync(into, 'utf8')) as MergedReport).samples).toEqual(a.samples);
    }
  });

  it('edl attack shards too; merge refuses a changed model and a missing shard, naming keys and files', async () => {
    const report = join(dir, 'atk', 'a.json');
    const args = [
      'attack',
      '--model',
      modelDir,
      '--attack',
      'pgd',
      '--count',
      '12',
      '--steps',
      '2',
      '--backend',
      'cpu',
    ];
    expect((await cli([...args, '--report', report, '--shard', '0/2'])).code).toBe(0);
    expect((await cli([...args, '--report', report, '--shard', '1/2'])).code).toBe(0);
    expect((await cli(['merge', join(dir, 'atk'), '--out', join(dir, 'atk.json')])).code).toBe(0);
    // a shard of a different model (other weights)
    const other = join(dir, 'model2');
    const model = prototypeModel(loadMnist({ split: 'train' }), 1.5);
    await model.save(fileSystemHandler(other));
    model.dispose();
    const wrong = join(dir, 'atk2', 'a.json');
    expect(
      (await cli([...args.map((v) => (v === modelDir ? other : v)), '--report', wrong, '--shard', '1/2'])).code,
    ).toBe(0);
    const refused = await cli([
      'merge',
      join(dir, 'atk', 'a.shard-0-of-2.json'),
      join(dir, 'atk2', 'a.shard-1-of-2.json'),
      '--out',
      join(dir, 'bad.json'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /merge refused: .*atk2\/a\.shard-1-of-2\.json does not belong with .*: different modelFingerprint/,
    );
    const missing = await cli(['merge', join(dir, 'atk', 'a.shard-1-of-2.json'), '--out', join(dir, 'bad.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing shard 0 of 2');
    // --shard 0/1 evaluates everything and writes the whole-run report, whatever the engine's environment says
    const all = await cli([...args, '--report', join(dir, 'all.json'), '--shard', '0/1'], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_COUNT: '2',
    });
    expect(all.out).toContain('shard 0/1 (from --shard)');
    const whole = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as MergedReport;
    expect(whole.kind).toBe('edl-robustness-report');
    expect(whole.samples).toEqual((JSON.parse(readFileSync(join(dir, 'atk.json'), 'utf8')) as MergedReport).samples);
    writeFileSync(join(dir, 'junk.json'), '{');
    expect((await cli(['merge', join(dir, 'junk.json'), '--out', join(dir, 'bad.json')])).err).toContain(
      'not readable JSON',
    );
  });
});
