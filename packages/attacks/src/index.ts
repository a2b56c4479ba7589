export { bpda } from './adaptive/bpda.ts';
export { eot, type RandomTransform } from './adaptive/eot.ts';
export { transferAttack } from './adaptive/transfer-attack.ts';
export { type ApgdOptions, apgd } from './apgd/apgd.ts';
export { type ApgdRunOptions, type ApgdRunResult, apgdRun } from './apgd/apgd-run.ts';
export { apgdCheckpointIntervals, apgdCheckpoints, lossOscillates } from './apgd/apgd-schedule.ts';
export { rankedClassTargets, targetCount } from './apgd/apgd-target-classes.ts';
export { type ApgdTargetedOptions, apgdTargeted } from './apgd/apgd-targeted.ts';
export { autoAttack } from './autoattack/auto-attack.ts';
export type {
  AutoAttack,
  AutoAttackChecks,
  AutoAttackLogEntry,
  AutoAttackName,
  AutoAttackOptions,
  AutoAttackResult,
  AutoAttackVersion,
} from './autoattack/auto-attack-types.ts';
export { type Attack, type AttackNorm, type AttackResult, type RunBatchedOptions, runBatched } from './core/attack.ts';
export type { AttackSummary } from './core/attack-summary.ts';
export { type FinalizeOptions, finalizeResult, NORM_TOLERANCE } from './core/finalize-result.ts';
export {
  type LossAndGradient,
  lossAndGradient,
  predict,
  predictLabels,
  predictLabelsBatched,
} from './core/gradient.ts';
export {
  crossEntropy,
  cwLoss,
  cwMargin,
  dlr,
  dlrTargeted,
  type LossFn,
  type LossName,
  marginLoss,
  resolveLoss,
} from './core/losses.ts';
export {
  type FromLayersModelOptions,
  fromLayersModel,
  looksLikeProbabilities,
  type Model,
  type Normalization,
  withNormalization,
} from './core/model.ts';
export type { ProgressCallback } from './core/progress.ts';
export {
  clipBox,
  type NormKind,
  perSampleNorm,
  perSampleShape,
  project,
  projectL2,
  projectLinf,
} from './core/projections.ts';
export { createRng, type Rng } from './core/rng.ts';
export { selectSamples } from './core/select-samples.ts';
export { resolveTargets, type TargetMode } from './core/targets.ts';
export {
  numClassesOf,
  validateAttackInputs,
  validateEps,
  validateImages,
  validateLabels,
  validatePositiveInt,
} from './core/validate-inputs.ts';
export {
  CIFAR10C_SEVERITIES,
  type CorruptionOptions,
  type CorruptionType,
  corrupt,
  corruption,
  corruptionParameter,
} from './corruptions/corruptions.ts';
export { samplePoisson } from './corruptions/poisson.ts';
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
export {
  type GradientCheck,
  gradientFlags,
  measureGradients,
  measureRandomness,
  probabilityFlags,
  type RandomnessCheck,
  randomnessFlags,
} from './evaluate/trust-checks.ts';
export type { FlagSeverity, TrustFlag } from './evaluate/trust-flag.ts';
export { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab/fab-projections.ts';
export { type FabNorm, type FabTargetedOptions, fabTargeted } from './fab/fab-targeted.ts';
export { type CarliniWagnerL2Options, carliniWagnerL2 } from './gradient/carlini-wagner-l2.ts';
export { type FgsmOptions, fgsm } from './gradient/fgsm.ts';
export { type PgdOptions, type PgdStepInfo, pgd } from './gradient/pgd.ts';
export { type DeepFoolOptions, type DeepFoolState, deepfool, deepfoolLoop } from './minimal/deepfool.ts';
export { sparseLinearSolve } from './minimal/linear-solver.ts';
export { type SparseFoolOptions, sparsefool } from './minimal/sparsefool.ts';
export { type SquareOptions, square } from './square/square.ts';
export { squarePattern, squareRectangles } from './square/square-l2-pattern.ts';
export { squarePSelection, squareSide } from './square/square-schedule.ts';
