import { type Attack, type AttackSummary, evaluateRobustness, type Model, type TrustFlag } from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';
import { firstIndices, gatherBatch, type LabelledImages } from '../loop/labelled-images.ts';
import { shardOwners } from './shard-owners.ts';
import type { RunIdentity, SampleOutcome, ShardReport } from './shard-report.ts';

/** Options of {@link evaluateShard}. */
export interface EvaluateShardOptions {
  /** This shard: zero-based index and count (0 of 1 for an unsharded run). */
  shard: { index: number; count: number };
  /** The run identity written into the report; `numSamples`, `batchSize`, `checkSamples` are taken from it. */
  run: RunIdentity;
  /** The attacks, in the order of `run.attacks`. */
  attacks: readonly Attack[];
}

/** The run-identity entry of an attack. */
export function attackIdentity(a: Attack): RunIdentity['attacks'][number] {
  return {
    name: a.name,
    threat: { ...a.threat },
    family: a.family,
    effort: { ...a.effort },
    settings: { ...a.settings },
  };
}

const emptySummary = (a: Attack): AttackSummary => ({
  name: a.name,
  threat: a.threat,
  family: a.family,
  effort: a.effort,
  settings: { ...a.settings },
  accuracy: 0,
  attacked: 0,
  successes: 0,
  seconds: 0,
  maxNorm: 0,
  pixelRange: [0, 0],
  inconsistent: 0,
});

/** Flags an attack reported about itself (they carry its name as `source`), not the evaluator's checks. */
const attackReported = (f: TrustFlag) => f.source !== undefined;

/**
 * Evaluates one shard of a robustness run on the first `run.numSamples` images of `set`. First `evaluateRobustness`
 * without attacks on all of them: the clean predictions (batched as in the unsharded run) give the attack batches of
 * the unsharded run (see {@link shardOwners}), and its trust checks on the run's first `run.checkSamples` images are
 * the unsharded run's (every shard repeats them, so each report stands alone). Then `evaluateRobustness` with the
 * attacks on this shard's clean-correct samples, which are whole attack batches of the unsharded run in the same
 * order, so every per-sample outcome equals the unsharded one (exactly, on a deterministic backend).
 */
export async function evaluateShard(model: Model, set: LabelledImages, o: EvaluateShardOptions): Promise<ShardReport> {
  const t0 = performance.now();
  const { run, shard } = o;
  if (o.attacks.length !== run.attacks.length)
    throw new Error('evaluateShard: attacks and run.attacks differ in length');
  const indices = firstIndices(set, run.numSamples);
  const n = indices.length;
  if (n !== run.numSamples) {
    throw new Error(`evaluateShard: the run has ${run.numSamples} samples but the test set only ${set.count}`);
  }
  const { x, y } = gatherBatch(set, indices);
  try {
    const labels = Array.from(await y.data());
    const pre = await evaluateRobustness(model, { x, y }, [], {
      batchSize: run.batchSize,
      checkSamples: Math.min(run.checkSamples, n),
    });
    const clean = pre.robust;
    const owner = shardOwners(clean, run.batchSize, shard.count);
    const checks = pre.checks;
    const checkFlags = pre.flags;
    let attackFlags: TrustFlag[] = [];
    const mine = owner.flatMap((s, p) => (s === shard.index ? [p] : []));
    const attackedPos = mine.filter((p) => clean[p]);
    const robustAt = new Map<number, boolean>();
    let attacks: AttackSummary[];
    let numClasses: number;
    if (attackedPos.length === 0) {
      attacks = o.attacks.map(emptySummary);
      numClasses = pre.numClasses;
    } else {
      const idx = tf.tensor1d(attackedPos, 'int32');
      const xs = tf.gather(x, idx) as tf.Tensor4D;
      const ys = tf.gather(y, idx) as tf.Tensor1D;
      idx.dispose();
      try {
        // checkSamples 1: the checks above already cover the run's first samples.
        const r = await evaluateRobustness(model, { x: xs, y: ys }, o.attacks, {
          batchSize: run.batchSize,
          checkSamples: 1,
        });
        if (r.cleanAccuracy !== 1) {
          throw new Error(
            `shard ${shard.index}/${shard.count}: ${Math.round((1 - r.cleanAccuracy) * attackedPos.length)} clean-correct samples were misclassified when predicted in a different batch: this backend's predictions depend on batch composition, so shards cannot reproduce the unsharded run; use --backend cpu or run unsharded`,
          );
        }
        attackedPos.forEach((p, j) => {
          robustAt.set(p, r.robust[j] === true);
        });
        attacks = r.attacks;
        attackFlags = r.flags.filter(attackReported);
        numClasses = r.numClasses;
      } finally {
        tf.dispose([xs, ys]);
      }
    }
    const samples: SampleOutcome[] = mine.map((p) => ({
      index: indices[p] as number,
      label: labels[p] as number,
      clean: clean[p] === true,
      robust: robustAt.get(p) === true,
    }));
    return {
      kind: 'edl-shard-report',
      version: 1,
      shard: { index: shard.index, count: shard.count },
      run,
      createdAt: new Date().toISOString(),
      seconds: (performance.now() - t0) / 1000,
      numClasses,
      samples,
      attacks,
      checks,
      checkFlags,
      attackFlags,
    };
  } finally {
    tf.dispose([x, y]);
  }
}
