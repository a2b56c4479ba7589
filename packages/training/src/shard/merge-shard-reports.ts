import { type AttackSummary, attackComparisonFlags, type TrustFlag } from '@edl/attacks';
import { TrainingError } from '../errors/training-error.ts';
import type { MergedReport, RunIdentity, SampleOutcome, ShardReport } from './shard-report.ts';

/** A shard report and the file it came from (named in errors). */
export interface NamedShardReport {
  file: string;
  report: ShardReport;
}

/**
 * Why shards were refused (a {@link TrainingError}; the message names the files and what is wrong): code
 * 'invalid-file' for a file that is not a shard report, 'invalid-input' for shards that do not make one run.
 */
const refuse = (code: 'invalid-file' | 'invalid-input', message: string): TrainingError =>
  new TrainingError(code, 'reports', message);

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val: unknown) =>
    val !== null && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );

/** Throws unless `value` looks like a shard report (written by `edl eval/attack --shard`). */
export function assertShardReport(value: unknown, file: string): asserts value is ShardReport {
  const r = value as Partial<ShardReport> | null;
  if (r?.kind !== 'edl-shard-report') {
    const what =
      (r as { kind?: unknown } | null)?.kind === 'edl-robustness-report'
        ? 'a merged / unsharded report'
        : 'not a shard report';
    throw refuse('invalid-file', `${file}: ${what} (expected the JSON an \`edl eval --shard i/n\` run writes)`);
  }
  if (r.version !== 1) throw refuse('invalid-file', `${file}: unsupported shard report version ${String(r.version)}`);
}

function mergeSummaries(parts: AttackSummary[], n: number): AttackSummary {
  const first = parts[0] as AttackSummary;
  const attacked = parts.reduce((s, p) => s + p.attacked, 0);
  const successes = parts.reduce((s, p) => s + p.successes, 0);
  const withSamples = parts.filter((p) => p.attacked > 0);
  const withQueries = withSamples.filter((p) => p.queries !== undefined);
  const merged: AttackSummary = {
    name: first.name,
    threat: first.threat,
    family: first.family,
    effort: first.effort,
    settings: first.settings,
    accuracy: (attacked - successes) / n,
    attacked,
    successes,
    seconds: parts.reduce((s, p) => s + p.seconds, 0),
    maxNorm: parts.reduce((m, p) => Math.max(m, p.maxNorm), 0),
    pixelRange:
      withSamples.length === 0
        ? [0, 0]
        : [Math.min(...withSamples.map((p) => p.pixelRange[0])), Math.max(...withSamples.map((p) => p.pixelRange[1]))],
    inconsistent: parts.reduce((s, p) => s + p.inconsistent, 0),
  };
  if (withQueries.length > 0) {
    merged.queries = withQueries.reduce((s, p) => s + (p.queries ?? 0) * p.attacked, 0) / attacked;
  }
  return merged;
}

/**
 * Checks that `shards` are the complete, disjoint shards of one run (same model fingerprint, settings, seed and
 * shard count; every shard index once; every sample index once) and merges them into the report an unsharded run
 * writes: per-sample outcomes, per-attack and worst-case accuracy, the trust checks of shard 0 (computed on the
 * run's first samples, identical in every shard), the flags the attacks reported (union over shards, deduplicated
 * like `evaluateRobustness` does across attacks) and the attack-comparison flags recomputed over all samples.
 * Counts are summed, so a re-run shard that replaced its file is never counted twice; two files for one shard are
 * refused. Returns the report and warnings (e.g. checks that differ between shards).
 */
export function mergeShardReports(shards: readonly NamedShardReport[]): { report: MergedReport; warnings: string[] } {
  if (shards.length === 0) throw refuse('invalid-input', 'no shard reports given');
  for (const s of shards) assertShardReport(s.report, s.file);
  const ref = shards[0] as NamedShardReport;
  const count = ref.report.shard.count;
  for (const s of shards.slice(1)) {
    if (s.report.shard.count !== count) {
      throw refuse(
        'invalid-input',
        `different shard counts: ${ref.file} is shard ${ref.report.shard.index}/${count}, ${s.file} is shard ${s.report.shard.index}/${s.report.shard.count}`,
      );
    }
    const keys = [...new Set([...Object.keys(ref.report.run), ...Object.keys(s.report.run)])].filter(
      (k) => canonical(ref.report.run[k as keyof RunIdentity]) !== canonical(s.report.run[k as keyof RunIdentity]),
    );
    if (keys.length > 0) {
      const detail = keys
        .map((k) => {
          const a = canonical(ref.report.run[k as keyof RunIdentity]);
          const b = canonical(s.report.run[k as keyof RunIdentity]);
          return a.length + b.length <= 120 ? `${k} (${a} vs ${b})` : k;
        })
        .join(', ');
      throw refuse('invalid-input', `${s.file} does not belong with ${ref.file}: different ${detail}`);
    }
  }
  const byIndex = new Map<number, NamedShardReport>();
  for (const s of shards) {
    const other = byIndex.get(s.report.shard.index);
    if (other) {
      throw refuse(
        'invalid-input',
        `duplicate shard ${s.report.shard.index}/${count}: ${other.file} and ${s.file} (keep one, e.g. the re-run)`,
      );
    }
    byIndex.set(s.report.shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw refuse(
      'invalid-input',
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} (have ${[...byIndex.keys()]
        .sort((a, b) => a - b)
        .map((i) => `${i}: ${byIndex.get(i)?.file}`)
        .join(', ')}); re-run them with --shard i/${count}`,
    );
  }
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i) as NamedShardReport);
  const run = ref.report.run;
  const n = run.numSamples;
  const samples: SampleOutcome[] = new Array(n);
  const from: string[] = new Array(n);
  for (const s of ordered) {
    for (const sample of s.report.samples) {
      if (!Number.isInteger(sample.index) || sample.index < 0 || sample.index >= n) {
        throw refuse('invalid-input', `${s.file}: sample index ${sample.index} is outside the run's 0..${n - 1}`);
      }
      if (from[sample.index] !== undefined) {
        throw refuse('invalid-input', `sample ${sample.index} is in both ${from[sample.index]} and ${s.file}`);
      }
      from[sample.index] = s.file;
      samples[sample.index] = sample;
    }
  }
  const absent: number[] = [];
  for (let i = 0; i < n; i++) if (from[i] === undefined) absent.push(i);
  if (absent.length > 0) {
    throw refuse(
      'invalid-input',
      `${absent.length} sample(s) are in no shard (first: ${absent.slice(0, 5).join(', ')}): the shards are incomplete`,
    );
  }
  const warnings: string[] = [];
  const r0 = ordered[0] as NamedShardReport;
  for (const s of ordered.slice(1)) {
    if (canonical(s.report.checks) !== canonical(r0.report.checks)) {
      warnings.push(
        `trust checks of ${s.file} differ from ${r0.file} (non-deterministic backend?); using ${r0.file}'s`,
      );
    }
  }
  const attacks = run.attacks.map((_, k) =>
    mergeSummaries(
      ordered.map((s) => s.report.attacks[k] as AttackSummary),
      n,
    ),
  );
  const cleanAccuracy = samples.filter((s) => s.clean).length / n;
  const attackFlags: TrustFlag[] = [];
  for (const s of ordered) {
    for (const f of s.report.attackFlags) {
      if (!attackFlags.some((g) => g.id === f.id && g.message === f.message && g.source === f.source))
        attackFlags.push(f);
    }
  }
  const report: MergedReport = {
    kind: 'edl-robustness-report',
    version: 1,
    createdAt: ordered
      .map((s) => s.report.createdAt)
      .sort()
      .at(-1) as string,
    numSamples: n,
    numClasses: r0.report.numClasses,
    cleanAccuracy,
    worstCaseAccuracy: samples.filter((s) => s.robust).length / n,
    attacks,
    checks: r0.report.checks,
    flags: [...r0.report.checkFlags, ...attackFlags, ...attackComparisonFlags(cleanAccuracy, attacks)],
    robust: samples.map((s) => s.robust),
    seconds: ordered.reduce((t, s) => t + s.report.seconds, 0),
    run,
    samples,
    shards: count,
  };
  return { report, warnings };
}
