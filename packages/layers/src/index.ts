export { applyConstraints } from './apply-constraints.ts';
export type { LayerSource } from './collect-layers.ts';
export { constraintsCallback } from './constraints-callback.ts';
export { DictConv2D } from './dict-conv2d.ts';
export {
  DICT_KINDS,
  type DictConv2DConfig,
  type DictConv2DOptions,
  type DictKind,
  type KernelInitializer,
  type KernelInitializerName,
  type ResolvedDictConv2DOptions,
  resolveDictConv2DOptions,
} from './dict-conv2d-config.ts';
export { dictConv2d, elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
export { getBetas, type LayerBeta } from './get-betas.ts';
export { type RistaOptions, type RistaTrace, rista } from './rista.ts';
export { type ObjectiveReduction, ristaObjective } from './rista-objective.ts';
export { UnitInterval } from './unit-interval.ts';
export { withKind } from './with-kind.ts';
