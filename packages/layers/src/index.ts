export { applyConstraints } from './apply-constraints.ts';
export type { LayerSource } from './collect-layers.ts';
export { constraintsCallback } from './constraints-callback.ts';
export { DictConv2D } from './dict-conv2d.ts';
export {
  DICT_KINDS,
  type DictConv2DConfig,
  type DictConv2DOptions,
  type DictKind,
  fixedBetaOf,
  type KernelInitializer,
  type KernelInitializerName,
  type ResolvedDictConv2DOptions,
} from './dict-conv2d-config.ts';
export { dictConv2d, elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
export {
  DICT_LAYER_FORWARDED_OPTIONS,
  type DictLayerForwardedOptions,
  pickDictLayerOptions,
} from './dict-layer-forwarded-options.ts';
export { DICT_WEIGHT_NAMES, type DictWeightName } from './dict-weights.ts';
export { getBetas, type LayerBeta } from './get-betas.ts';
export { isDictLayer, isDictLayerConfig } from './is-dict-layer.ts';
export { LayerError } from './layer-error.ts';
export { type RistaOptions, type RistaTrace, rista } from './rista.ts';
export { type ObjectiveReduction, ristaObjective } from './rista-objective.ts';
export { setBeta } from './set-beta.ts';
export { UnitInterval } from './unit-interval.ts';
export { withKind } from './with-kind.ts';
