import type * as tf from '@tensorflow/tfjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DictConv2DConfig, DictKind, LayerBeta, RistaOptions } from './index.ts';
import * as api from './index.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'DICT_KINDS',
  'DICT_LAYER_FORWARDED_OPTIONS',
  'DICT_WEIGHT_NAMES',
  'DictConv2D',
  'LayerError',
  'STEP_SIZE_RULES',
  'UnitInterval',
  'applyConstraints',
  'fuseBatchNormalization',
  'fusedBatchNormalization',
  'constraintsCallback',
  'dictConv2d',
  'elasticDictConv2d',
  'elasticStepSize',
  'fixedBetaOf',
  'getBetas',
  'isDictLayer',
  'isDictLayerConfig',
  'pickDictLayerOptions',
  'readBetas',
  'rista',
  'ristaObjective',
  'robustDictConv2d',
  'setBeta',
  'vanillaDictConv2d',
  'withKind',
];

describe('public API of @edl/layers', () => {
  it('exports exactly the curated runtime names (no internals)', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.dictConv2d).parameter(0).toEqualTypeOf<DictConv2DConfig>();
    expectTypeOf(api.dictConv2d).returns.toEqualTypeOf<api.DictConv2D>();
    expectTypeOf(api.elasticDictConv2d).returns.toEqualTypeOf<api.DictConv2D>();
    expectTypeOf(api.rista).parameters.toMatchTypeOf<[tf.Tensor4D, tf.Tensor4D, RistaOptions?]>();
    expectTypeOf(api.getBetas).returns.toEqualTypeOf<LayerBeta[]>();
    expectTypeOf(api.readBetas).returns.toEqualTypeOf<Promise<LayerBeta[]>>();
    expectTypeOf(api.fixedBetaOf).toEqualTypeOf<(kind: DictKind) => number | undefined>();
    expectTypeOf(api.setBeta).parameter(1).toEqualTypeOf<number>();
    expectTypeOf<InstanceType<typeof api.LayerError>['option']>().toEqualTypeOf<string>();
  });
});
