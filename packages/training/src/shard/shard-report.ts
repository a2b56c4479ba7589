import type {
  AttackEffort,
  AttackFamily,
  AttackSummary,
  GradientCheck,
  RandomnessCheck,
  RobustnessReport,
  ThreatModel,
  TrustFlag,
} from '@edl/attacks';

/** What must be identical across the shards of one run (compared key by key by the merge). */
export interface RunIdentity {
  /** `modelFingerprint()` of the saved model. */
  modelFingerprint: string;
  /** The CLI command that produced the report ('eval' or 'attack'). */
  command: string;
  /** Data set name. */
  dataset: string;
  /** Samples in the whole run: the first `numSamples` test images (global indices 0..numSamples-1). */
  numSamples: number;
  /** Attack seed. */
  seed: number;
  /** Samples per attack batch (shards take whole batches). */
  batchSize: number;
  /** Samples of the trust checks (the first ones of the whole run). */
  checkSamples: number;
  /** Name, threat model, family, effort and settings of every attack, in order. */
  attacks: {
    name: string;
    threat: ThreatModel;
    family: AttackFamily;
    effort: AttackEffort;
    settings: Record<string, unknown>;
  }[];
  /** tfjs backend that computed the numbers. */
  backend: string;
}

/** One evaluated sample. */
export interface SampleOutcome {
  /** Global test-set index. */
  index: number;
  /** True label. */
  label: number;
  /** Correctly classified on the clean image. */
  clean: boolean;
  /** Correct on the clean image and not fooled by any attack. */
  robust: boolean;
}

/** The JSON report one shard writes. */
export interface ShardReport {
  kind: 'edl-shard-report';
  version: 1;
  /** Which shard this is. */
  shard: { index: number; count: number };
  run: RunIdentity;
  /** ISO time the shard finished. */
  createdAt: string;
  /** Wall-clock seconds of the shard (model and data loading excluded). */
  seconds: number;
  numClasses: number;
  /** This shard's samples, by increasing global index. */
  samples: SampleOutcome[];
  /** Per attack over this shard's samples (accuracy relative to this shard). */
  attacks: AttackSummary[];
  /** Trust checks on the first `checkSamples` samples of the whole run (the same in every shard). */
  checks: { gradients: GradientCheck; randomness: RandomnessCheck; checkSamples: number };
  /** Flags of those checks (probability outputs, gradients, randomness). */
  checkFlags: TrustFlag[];
  /** Flags the attacks reported about themselves on this shard (e.g. a reduced AutoAttack budget). */
  attackFlags: TrustFlag[];
}

/**
 * The report of a whole run, sharded or not: `evaluateRobustness`'s report (flags recomputed over all samples) plus
 * the run identity and the per-sample outcomes with global test indices.
 */
export interface MergedReport extends RobustnessReport {
  kind: 'edl-robustness-report';
  run: RunIdentity;
  samples: SampleOutcome[];
  /** Number of shards merged (1 for an unsharded run). */
  shards: number;
}
