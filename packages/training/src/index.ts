export { writeFileAtomic } from './atomic-file.ts';
export { type AugmentationOptions, batchAugmentation } from './augmentation.ts';
export { type AwpOptions, awp } from './awp.ts';
export {
  type Checkpoint,
  defaultStore,
  hasCheckpoint,
  type ModelStore,
  readCheckpoint,
  type TrainerState,
  writeCheckpoint,
} from './checkpoint.ts';
export { runCli } from './cli/main.ts';
export { type HatOptions, hat } from './hat.ts';
export { type InnerAttackOptions, innerMaximize } from './inner-maximization.ts';
export { checkLabelledImages, firstIndices, gatherBatch, type LabelledImages } from './labelled-images.ts';
export { crossEntropy, crossEntropyPerSample, klDivergencePerSample, oneHotLabels } from './losses.ts';
export { constantLr, cosineLr, type LrSchedule, multiStepLr, type ScheduleProgress } from './lr-schedule.ts';
export { type MartOptions, mart, martLoss } from './mart.ts';
export { appendMetrics, type EpochMetrics, readMetrics } from './metrics-log.ts';
export { checkMixupOptions, type MixupOptions, mixupInPlace } from './mixup.ts';
export { type MonitorAccuracy, monitorAccuracy } from './monitor-accuracy.ts';
export { pgdAT } from './pgd-at.ts';
export { type ProgressBar, progressBar } from './progress-bar.ts';
export { type BatchNormRecalibration, recalibrateBatchNorm } from './recalibrate-batch-norm.ts';
export { type RegularizerOptions, weightPenalty } from './regularizer.ts';
export { type ChartSpec, reportCharts } from './report/charts.ts';
export { renderSvg } from './report/render-svg.ts';
export type { ReportData, ReportRun } from './report/report-data.ts';
export { writeReport } from './report/write-report.ts';
export { deriveSeed, mulberry32, seededPermutation } from './seeds.ts';
export { Sgd, type SgdOptions, type SgdState } from './sgd.ts';
export { standardTraining } from './standard-training.ts';
export { type TradesOptions, trades, tradesAdversary, tradesLoss } from './trades.ts';
export { logitsOf, type TrainResult, train } from './trainer.ts';
export type { ElasticSwitch, TrainOptions } from './trainer-options.ts';
export {
  checkThreatModel,
  type StepContext,
  stepTargets,
  type ThreatModel,
  type TrainingMethod,
} from './training-method.ts';
export { applyWeightConstraints } from './weight-constraints.ts';
