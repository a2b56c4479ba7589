export { TrainingError } from './errors/training-error.ts';
export { type AugmentationOptions, batchAugmentation } from './loop/augmentation.ts';
export { firstIndices, gatherBatch, type LabelledImages } from './loop/labelled-images.ts';
export { constantLr, cosineLr, type LrSchedule, multiStepLr, type ScheduleProgress } from './loop/lr-schedule.ts';
export { type MonitorAccuracy, monitorAccuracy } from './loop/monitor-accuracy.ts';
export type { ProgressBar, ProgressFactory } from './loop/progress-reporter.ts';
export { type BatchNormRecalibration, recalibrateBatchNorm } from './loop/recalibrate-batch-norm.ts';
export { deriveSeed, seededPermutation } from './loop/seeds.ts';
export { Sgd, type SgdOptions, type SgdState } from './loop/sgd.ts';
export { logitsOf, type TrainResult, train } from './loop/trainer.ts';
export type { ElasticSwitch, TrainOptions } from './loop/trainer-options.ts';
export { applyWeightConstraints } from './loop/weight-constraints.ts';
export { type AwpOptions, awp } from './methods/awp.ts';
export { type HatOptions, hat } from './methods/hat.ts';
export { type InnerAttackOptions, innerMaximize } from './methods/inner-maximization.ts';
export { crossEntropy, crossEntropyPerSample, klDivergencePerSample, oneHotLabels } from './methods/losses.ts';
export { type MartOptions, mart, martLoss } from './methods/mart.ts';
export { type MixupOptions, mixupInPlace } from './methods/mixup.ts';
export { pgdAT } from './methods/pgd-at.ts';
export { type RegularizerOptions, weightPenalty } from './methods/regularizer.ts';
export { standardTraining } from './methods/standard-training.ts';
export { type TradesOptions, trades, tradesAdversary, tradesLoss } from './methods/trades.ts';
export {
  checkThreatModel,
  type StepContext,
  type StepLoss,
  stepTargets,
  type ThreatModel,
  type TrainingMethod,
} from './methods/training-method.ts';
export type { EpochMetrics } from './store/epoch-metrics.ts';
export { type MemoryStore, memoryStore } from './store/memory-store.ts';
export type { StoredCheckpoint, TrainerState, TrainingStore } from './store/training-store.ts';
