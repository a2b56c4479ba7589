import { evaluateRobustness, fgsm, fromLayersModel, pgd, type TrustFlag } from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstIndices, gatherBatch } from '../loop/labelled-images.ts';
import { prototypeModel } from '../testing/prototype-model.ts';
import { toyData } from '../testing/toy-problem.ts';
import { attackIdentity, evaluateShard } from './evaluate-shard.ts';
import { mergeShardReports, type NamedShardReport } from './merge-shard-reports.ts';
import type { MergedReport, RunIdentity, ShardReport } from './shard-report.ts';

const N = 30;
const BATCH = 4;
const set = toyData(N, 7);
const attacksFor = (seed: number) => [
  fgsm({ eps: 0.12 }),
  pgd({ eps: 0.12, stepSize: 0.04, steps: 5, seed, name: 'pgd-5' }),
];
const runFor = (seed: number): RunIdentity => ({
  modelFingerprint: 'sha256:test',
  command: 'eval',
  dataset: 'toy',
  numSamples: N,
  seed,
  batchSize: BATCH,
  checkSamples: 8,
  attacks: attacksFor(seed).map(attackIdentity),
  backend: 'cpu',
});

let model: ReturnType<typeof fromLayersModel>;
async function shards(count: number, seed = 0): Promise<NamedShardReport[]> {
  const out: NamedShardReport[] = [];
  for (let index = 0; index < count; index++) {
    const report = await evaluateShard(model, set, {
      shard: { index, count },
      run: runFor(seed),
      attacks: attacksFor(seed),
    });
    out.push({ file: `r.shard-${index}-of-${count}.json`, report });
  }
  return out;
}

/** The report without what legitimately differs between runs: times and the shard count. */
function stable(r: MergedReport): unknown {
  const { createdAt: _c, seconds: _s, shards: _n, ...rest } = r;
  return { ...rest, attacks: r.attacks.map(({ seconds: _t, ...a }) => a) };
}

describe('sharded evaluation and edl merge', () => {
  let single: MergedReport;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    // scale 30 makes the linear classifier confident enough that eps 0.12 fools some samples but not all
    model = fromLayersModel(prototypeModel(set, 30), { training: false });
    single = mergeShardReports(await shards(1)).report;
  });

  it('an unsharded run equals evaluateRobustness on the same samples, and the workload is not trivial', async () => {
    const { x, y } = gatherBatch(set, firstIndices(set, N));
    const direct = await evaluateRobustness(model, { x, y }, attacksFor(0), { batchSize: BATCH, checkSamples: 8 });
    tf.dispose([x, y]);
    expect(single.robust).toEqual(direct.robust);
    expect(single.cleanAccuracy).toBe(direct.cleanAccuracy);
    expect(single.worstCaseAccuracy).toBe(direct.worstCaseAccuracy);
    expect(single.checks).toEqual(direct.checks);
    expect(single.flags).toEqual(direct.flags);
    expect(single.attacks.map((a) => [a.attacked, a.successes, a.accuracy, a.maxNorm, a.pixelRange])).toEqual(
      direct.attacks.map((a) => [a.attacked, a.successes, a.accuracy, a.maxNorm, a.pixelRange]),
    );
    expect(single.samples.map((s) => s.index)).toEqual(Array.from({ length: N }, (_, i) => i));
    const robust = single.robust.filter(Boolean).length;
    expect(robust).toBeGreaterThan(0);
    expect(robust).toBeLessThan(single.samples.filter((s) => s.clean).length);
  });

  it('merging 2 and 3 shards gives the unsharded report, sample by sample', async () => {
    for (const n of [2, 3]) {
      const parts = await shards(n);
      expect(
        parts.every((p) => p.report.samples.length > 0),
        `n = ${n}`,
      ).toBe(true);
      const { report, warnings } = mergeShardReports([...parts].reverse());
      expect(warnings).toEqual([]);
      expect(report.shards).toBe(n);
      expect(report.samples).toEqual(single.samples);
      expect(JSON.stringify(stable(report))).toBe(JSON.stringify(stable(single)));
      expect(report.seconds).toBeCloseTo(
        parts.reduce((t, p) => t + p.report.seconds, 0),
        9,
      );
    }
  });

  it("keeps the flags attacks report about themselves (AutoAttack's) from every shard, once each", async () => {
    const reduced: TrustFlag = {
      id: 'reduced-budget-autoattack',
      severity: 'warning',
      message: 'autoattack ran at 10% of its budget',
      fix: 'run the full budget',
      source: 'autoattack-reduced',
    };
    const other: TrustFlag = { ...reduced, id: 'black-box-beats-white-box', message: 'square beat apgd on one shard' };
    const parts = (await shards(2)).map((p) => structuredClone(p));
    (parts[0] as NamedShardReport).report.attackFlags = [reduced];
    (parts[1] as NamedShardReport).report.attackFlags = [reduced, other];
    const { report } = mergeShardReports(parts);
    const ids = report.flags.map((f) => f.id);
    expect(ids.filter((id) => id === reduced.id)).toHaveLength(1);
    expect(report.flags).toContainEqual(reduced);
    expect(report.flags).toContainEqual(other);
    // and nothing else changed: the same report as without them, plus the two flags
    expect(report.flags.filter((f) => f.source === undefined)).toEqual(single.flags);
  });

  it('refuses a missing shard, a duplicate shard and shards of different settings, naming the files', async () => {
    const parts = await shards(3);
    expect(() => mergeShardReports([parts[0], parts[2]] as NamedShardReport[])).toThrow(
      /missing shard 1 of 3 \(have 0: r\.shard-0-of-3\.json, 2: r\.shard-2-of-3\.json\)/,
    );
    const dup = { file: 'copy.json', report: structuredClone(parts[1]?.report) as ShardReport };
    expect(() => mergeShardReports([...parts, dup])).toThrow(
      /duplicate shard 1\/3: r\.shard-1-of-3\.json and copy\.json/,
    );
    const other = (await shards(3, 1))[1] as NamedShardReport;
    const renamed = { file: 'seed1.json', report: other.report };
    expect(() => mergeShardReports([parts[0], renamed, parts[2]] as NamedShardReport[])).toThrow(
      /seed1\.json does not belong with r\.shard-0-of-3\.json: different seed \(0 vs 1\), attacks/,
    );
    expect(() => mergeShardReports([parts[0], renamed, parts[2]] as NamedShardReport[])).toThrow(
      expect.objectContaining({ name: 'TrainingError', code: 'invalid-input', option: 'reports' }),
    );
    const twoOf = (await shards(2))[1] as NamedShardReport;
    expect(() => mergeShardReports([parts[0], twoOf] as NamedShardReport[])).toThrow(/different shard counts/);
    const overlap = structuredClone(parts[2]) as NamedShardReport;
    overlap.report.samples.push(parts[0]?.report.samples[0] as ShardReport['samples'][number]);
    expect(() => mergeShardReports([parts[0], parts[1], overlap] as NamedShardReport[])).toThrow(
      /sample \d+ is in both r\.shard-0-of-3\.json and r\.shard-2-of-3\.json/,
    );
    expect(() => mergeShardReports([{ file: 'm.json', report: single as unknown as ShardReport }])).toThrow(
      /m\.json: a merged \/ unsharded report/,
    );
    expect(() => mergeShardReports([{ file: 'm.json', report: single as unknown as ShardReport }])).toThrow(
      expect.objectContaining({ name: 'TrainingError', code: 'invalid-file' }),
    );
  });
});
