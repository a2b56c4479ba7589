export {
  type BatchNormalizationArgs,
  fuseBatchNormalization,
  fusedBatchNormalization,
} from './batch-norm/fused-batch-normalization.ts';
export { applyConstraints } from './constraints/apply-constraints.ts';
export { constraintsCallback } from './constraints/constraints-callback.ts';
export { LayerError } from './core/layer-error.ts';
export type { LayerSource } from './layer/collect-layers.ts';
export { DictConv2D, type StepSizeState } from './layer/dict-conv2d.ts';
export {
  DICT_KINDS,
  type DictConv2DConfig,
  type DictConv2DOptions,
  type DictKind,
  fixedBetaOf,
  type KernelInitializer,
  type KernelInitializerName,
  type ResolvedDictConv2DOptions,
  STEP_SIZE_RULES,
  type StepSizeRule,
} from './layer/dict-conv2d-config.ts';
export { dictConv2d, elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './layer/dict-conv2d-factories.ts';
export {
  DICT_LAYER_FORWARDED_OPTIONS,
  type DictLayerForwardedOptions,
  pickDictLayerOptions,
} from './layer/dict-layer-forwarded-options.ts';
export { DICT_WEIGHT_NAMES, type DictWeightName } from './layer/dict-weights.ts';
export { getBetas, type LayerBeta, readBetas } from './layer/get-betas.ts';
export { isDictLayer, isDictLayerConfig } from './layer/is-dict-layer.ts';
export { setBeta } from './layer/set-beta.ts';
export { UnitInterval } from './layer/unit-interval.ts';
export { withKind } from './layer/with-kind.ts';
export { elasticStepSize } from './rista/elastic-step-size.ts';
export { type RistaOptions, type RistaTrace, rista } from './rista/rista.ts';
export { type ObjectiveReduction, ristaObjective } from './rista/rista-objective.ts';
