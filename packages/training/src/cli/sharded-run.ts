import type { Attack } from '@edl/attacks';
import { fromLayersModel } from '@edl/attacks';
import { writeJsonAtomic } from '@edl/attacks/node';
import type { ImageSet } from '@edl/datasets';
import * as tf from '@tensorflow/tfjs';
import { attackIdentity, evaluateShard } from '../shard/evaluate-shard.ts';
import { mergeShardReports } from '../shard/merge-shard-reports.ts';
import { modelFingerprint } from '../shard/model-fingerprint.ts';
import type { MergedReport, ShardReport } from '../shard/shard-report.ts';
import { describeShard, resolveShard, type ShardEnv } from '../shard/shard-spec.ts';
import { UserError } from './user-error.ts';

/** Where shard `i` of `n` writes when the run's report path is `report`: `x.json` -> `x.shard-i-of-n.json`. */
export function shardReportPath(report: string, index: number, count: number): string {
  const tag = `.shard-${index}-of-${count}`;
  return report.endsWith('.json') ? `${report.slice(0, -5)}${tag}.json` : `${report}${tag}.json`;
}

/** Options of {@link runShardedEvaluation}. */
export interface ShardedRunOptions {
  command: 'eval' | 'attack';
  modelDir: string;
  model: tf.LayersModel;
  dataset: string;
  test: ImageSet;
  count: number;
  attacks: Attack[];
  seed: number;
  batchSize: number;
  report: string;
  shardFlag?: string;
  shardCount?: number;
  env?: ShardEnv;
}

/**
 * Runs `edl eval` / `edl attack` for this process's shard (from `--shard`, a Slurm array or a Kubernetes Indexed
 * Job, printed) and writes its report atomically: an unsharded run (one shard; `--shard 0/1` also ignores the
 * engine's environment) writes the whole-run report at `report`, a shard of n > 1 writes its shard report at
 * {@link shardReportPath} (merge them with `edl merge`).
 */
export async function runShardedEvaluation(
  o: ShardedRunOptions,
): Promise<{ path: string; shard: ShardReport; merged?: MergedReport }> {
  let spec: ReturnType<typeof resolveShard>;
  try {
    spec = resolveShard({
      ...(o.shardFlag !== undefined ? { flag: o.shardFlag } : {}),
      ...(o.shardCount !== undefined ? { countFlag: o.shardCount } : {}),
      env: o.env ?? (process.env as ShardEnv),
    });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  console.log(describeShard(spec));
  const numSamples = Math.min(o.count, o.test.count);
  const shard = await evaluateShard(fromLayersModel(o.model, { training: false }), o.test, {
    shard: spec,
    attacks: o.attacks,
    run: {
      modelFingerprint: modelFingerprint(o.modelDir),
      command: o.command,
      dataset: o.dataset,
      numSamples,
      seed: o.seed,
      batchSize: o.batchSize,
      checkSamples: 64,
      attacks: o.attacks.map(attackIdentity),
      backend: tf.getBackend(),
    },
  });
  if (spec.count === 1) {
    const { report } = mergeShardReports([{ file: '(this run)', report: shard }]);
    await writeJsonAtomic(o.report, report);
    return { path: o.report, shard, merged: report };
  }
  const path = shardReportPath(o.report, spec.index, spec.count);
  await writeJsonAtomic(path, shard);
  const attacked = shard.samples.filter((s) => s.clean).length;
  console.log(
    `shard ${spec.index}/${spec.count}: ${shard.samples.length} samples (${attacked} clean-correct, attacked) in ${shard.seconds.toFixed(1)} s; merge all ${spec.count} with: edl merge ${shardReportPath(o.report, 0, spec.count).replace(/\.shard-0-of-/, '.shard-*-of-')} --out ${o.report}`,
  );
  return { path, shard };
}
