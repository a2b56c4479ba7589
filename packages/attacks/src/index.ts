export { type Attack, type AttackNorm, type AttackResult, type RunBatchedOptions, runBatched } from './attack.ts';
export { type FinalizeOptions, finalizeResult, NORM_TOLERANCE } from './finalize-result.ts';
export { type LossAndGradient, lossAndGradient, predict, predictLabels } from './gradient.ts';
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
export {
  validateAttackInputs,
  validateEps,
  validateImages,
  numClassesOf,
  validateLabels,
  validatePositiveInt,
} from './validate-inputs.ts';
export { type CarliniWagnerL2Options, carliniWagnerL2 } from './carlini-wagner-l2.ts';
export { type DeepFoolOptions, type DeepFoolState, deepfool, deepfoolLoop } from './deepfool.ts';
export { type FgsmOptions, fgsm } from './fgsm.ts';
export { type PgdOptions, type PgdStepInfo, pgd } from './pgd.ts';
export { resolveTargets, type TargetMode } from './targets.ts';
