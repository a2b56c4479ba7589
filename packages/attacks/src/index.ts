export { type ApgdOptions, apgd } from './apgd.ts';
export { type ApgdRunOptions, type ApgdRunResult, apgdRun } from './apgd-run.ts';
export { apgdCheckpointIntervals, apgdCheckpoints, lossOscillates } from './apgd-schedule.ts';
export { rankedClassTargets, targetCount } from './apgd-target-classes.ts';
export { type ApgdTargetedOptions, apgdTargeted } from './apgd-targeted.ts';
export { type Attack, type AttackNorm, type AttackResult, type RunBatchedOptions, runBatched } from './attack.ts';
export { attackComparisonFlags, type ComparisonThresholds } from './attack-comparison-flags.ts';
export type { AttackSummary } from './attack-summary.ts';
export { autoAttack } from './auto-attack.ts';
export type {
  AutoAttack,
  AutoAttackChecks,
  AutoAttackLogEntry,
  AutoAttackName,
  AutoAttackOptions,
  AutoAttackResult,
  AutoAttackVersion,
} from './auto-attack-types.ts';
export { bpda } from './bpda.ts';
export { type CarliniWagnerL2Options, carliniWagnerL2 } from './carlini-wagner-l2.ts';
export {
  CIFAR10C_SEVERITIES,
  type CorruptionOptions,
  type CorruptionType,
  corrupt,
  corruption,
  corruptionParameter,
} from './corruptions.ts';
export { type DeepFoolOptions, type DeepFoolState, deepfool, deepfoolLoop } from './deepfool.ts';
export { eot, type RandomTransform } from './eot.ts';
export {
  type EpsilonSweepOptions,
  type EpsilonSweepResult,
  epsilonSweep,
  type SweepPoint,
} from './epsilon-sweep.ts';
export {
  type EvaluateOptions,
  evaluateRobustness,
  type LabelledData,
  type RobustnessReport,
} from './evaluate-robustness.ts';
export { projectHyperplaneBoxL1, projectHyperplaneBoxL2, projectHyperplaneBoxLinf } from './fab-projections.ts';
export { type FabNorm, type FabTargetedOptions, fabTargeted } from './fab-targeted.ts';
export { type FgsmOptions, fgsm } from './fgsm.ts';
export { type FinalizeOptions, finalizeResult, NORM_TOLERANCE } from './finalize-result.ts';
export {
  type LossAndGradient,
  lossAndGradient,
  predict,
  predictLabels,
  predictLabelsBatched,
} from './gradient.ts';
export { sparseLinearSolve } from './linear-solver.ts';
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
} from './losses.ts';
export {
  type FromLayersModelOptions,
  fromLayersModel,
  looksLikeProbabilities,
  type Model,
  type Normalization,
  withNormalization,
} from './model.ts';
export { type PgdOptions, type PgdStepInfo, pgd } from './pgd.ts';
export { samplePoisson } from './poisson.ts';
export { createProgress, type Progress, type ProgressOptions } from './progress.ts';
export {
  clipBox,
  type NormKind,
  perSampleNorm,
  perSampleShape,
  project,
  projectL2,
  projectLinf,
} from './projections.ts';
export { createRng, type Rng } from './rng.ts';
export { selectSamples } from './select-samples.ts';
export { type SparseFoolOptions, sparsefool } from './sparsefool.ts';
export { type SquareOptions, square } from './square.ts';
export { squarePattern, squareRectangles } from './square-l2-pattern.ts';
export { squarePSelection, squareSide } from './square-schedule.ts';
export { resolveTargets, type TargetMode } from './targets.ts';
export { transferAttack } from './transfer-attack.ts';
export {
  type GradientCheck,
  gradientFlags,
  measureGradients,
  measureRandomness,
  probabilityFlags,
  type RandomnessCheck,
  randomnessFlags,
} from './trust-checks.ts';
export type { FlagSeverity, TrustFlag } from './trust-flag.ts';
export {
  numClassesOf,
  validateAttackInputs,
  validateEps,
  validateImages,
  validateLabels,
  validatePositiveInt,
} from './validate-inputs.ts';
export { writeJsonAtomic } from './write-report.ts';
