// The public API of @edl/attacks. Browser-safe: nothing here imports a Node built-in (see `@edl/attacks/node`).

// Adaptive tools
export { bpda } from './adaptive/bpda.ts';
export { eot, type RandomTransform } from './adaptive/eot.ts';
export { transferAttack } from './adaptive/transfer-attack.ts';
// Attacks
export { type ApgdOptions, apgd } from './apgd/apgd.ts';
export { type ApgdTargetedOptions, apgdTargeted } from './apgd/apgd-targeted.ts';
export { autoAttack } from './autoattack/auto-attack.ts';
export type {
  AutoAttack,
  AutoAttackChecks,
  AutoAttackLogEntry,
  AutoAttackName,
  AutoAttackOptions,
  AutoAttackResult,
  AutoAttackSummary,
  AutoAttackVersion,
} from './autoattack/auto-attack-types.ts';
// The attack contract
export type {
  Attack,
  AttackEffort,
  AttackFamily,
  AttackNorm,
  AttackResult,
  ThreatModel,
} from './core/attack.ts';
export type { AttackSummary } from './core/attack-summary.ts';
export {
  type AttackDefinition,
  type AttackInput,
  type AttackOutput,
  defineAttack,
} from './core/define-attack.ts';
export { AttackError, type AttackErrorCode } from './core/errors.ts';
// Losses an attack can be given
export {
  cwLoss,
  dlr,
  dlrTargeted,
  type LossFn,
  type LossName,
  marginLoss,
  perSampleCrossEntropy,
} from './core/losses.ts';
// Models
export {
  type FromLayersModelOptions,
  fromLayersModel,
  type Model,
  type Normalization,
  withNormalization,
} from './core/model.ts';
export type { ProgressCallback } from './core/progress.ts';
export type { Rng } from './core/rng.ts';
export { type RunBatchedOptions, runBatched } from './core/run-batched.ts';
export type { TargetMode } from './core/targets.ts';
export type { FlagSeverity, TrustFlag } from './core/trust-flag.ts';
export {
  CIFAR10C_SEVERITIES,
  type CorruptionOptions,
  type CorruptionType,
  corrupt,
  corruption,
} from './corruptions/corruptions.ts';
// Evaluation
export { attackComparisonFlags, type ComparisonThresholds } from './evaluate/attack-comparison-flags.ts';
export {
  type EpsilonSweepOptions,
  type EpsilonSweepResult,
  epsilonSweep,
  type SweepPoint,
} from './evaluate/epsilon-sweep.ts';
export {
  type EvaluateOptions,
  evaluateRobustness,
  type LabelledData,
  type RobustnessReport,
} from './evaluate/evaluate-robustness.ts';
export type { GradientCheck, RandomnessCheck } from './evaluate/trust-checks.ts';
export { type FabNorm, type FabProjection, type FabTargetedOptions, fabTargeted } from './fab/fab-targeted.ts';
export { type CarliniWagnerL2Options, carliniWagnerL2 } from './gradient/carlini-wagner-l2.ts';
export { type FgsmOptions, fgsm } from './gradient/fgsm.ts';
export { type PgdOptions, type PgdStepInfo, pgd } from './gradient/pgd.ts';
// The PGD core, for inner maximisation in adversarial training
export { type PgdAscentOptions, type PgdStart, pgdAscent } from './gradient/pgd-ascent.ts';
export { type DeepFoolOptions, deepfool } from './minimal/deepfool.ts';
export { type SparseFoolOptions, sparsefool } from './minimal/sparsefool.ts';
export { type SquareOptions, square } from './square/square.ts';
