import type * as tf from '@tensorflow/tfjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  Attack,
  AttackDefinition,
  AttackEffort,
  AttackFamily,
  AttackResult,
  AutoAttack,
  AutoAttackResult,
  LabelledData,
  Model,
  ProgressCallback,
  RobustnessReport,
  ThreatModel,
  TrustFlag,
} from './index.ts';
import * as api from './index.ts';
import * as nodeApi from './node/index.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'AttackError',
  'CIFAR10C_SEVERITIES',
  'apgd',
  'apgdTargeted',
  'attackComparisonFlags',
  'autoAttack',
  'bpda',
  'carliniWagnerL2',
  'corrupt',
  'corruption',
  'cwLoss',
  'deepfool',
  'defineAttack',
  'dlr',
  'dlrTargeted',
  'eot',
  'epsilonSweep',
  'evaluateRobustness',
  'fabTargeted',
  'fgsm',
  'fromLayersModel',
  'marginLoss',
  'perSampleCrossEntropy',
  'pgd',
  'pgdAscent',
  'runBatched',
  'sparsefool',
  'square',
  'transferAttack',
  'withNormalization',
];

describe('public API', () => {
  it('exports exactly the curated runtime names (no internals)', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(nodeApi).sort()).toEqual(['terminalProgress', 'writeJsonAtomic']);
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.pgd).parameter(0).toHaveProperty('eps').toEqualTypeOf<number>();
    expectTypeOf(api.pgd).returns.toEqualTypeOf<Attack>();
    expectTypeOf(api.autoAttack).returns.toEqualTypeOf<AutoAttack>();
    expectTypeOf<Awaited<ReturnType<AutoAttack['run']>>>().toEqualTypeOf<AutoAttackResult>();
    expectTypeOf<Attack['run']>().toEqualTypeOf<
      (model: Model, x: tf.Tensor4D, y: tf.Tensor1D, targets?: tf.Tensor1D) => Promise<AttackResult>
    >();
    expectTypeOf<Attack['threat']>().toEqualTypeOf<ThreatModel>();
    expectTypeOf<Attack['family']>().toEqualTypeOf<AttackFamily>();
    expectTypeOf<AttackFamily>().toEqualTypeOf<'gradient' | 'gradient-free' | 'transfer' | 'corruption'>();
    expectTypeOf<Attack['effort']>().toEqualTypeOf<AttackEffort>();
    expectTypeOf<AttackResult['flags']>().toEqualTypeOf<TrustFlag[]>();
    expectTypeOf<AttackResult['success']>().toEqualTypeOf<boolean[]>();
    expectTypeOf(api.defineAttack<object>)
      .parameter(0)
      .toEqualTypeOf<AttackDefinition<object>>();
    expectTypeOf(api.evaluateRobustness).parameters.toEqualTypeOf<
      [Model, LabelledData, readonly Attack[], (api.EvaluateOptions | undefined)?]
    >();
    expectTypeOf(api.evaluateRobustness).returns.toEqualTypeOf<Promise<RobustnessReport>>();
    expectTypeOf<NonNullable<api.EvaluateOptions['onProgress']>>().toEqualTypeOf<ProgressCallback>();
    expectTypeOf<ProgressCallback>().toEqualTypeOf<(done: number, total: number, label: string) => void>();
    expectTypeOf(api.corrupt).returns.toEqualTypeOf<Promise<tf.Tensor4D>>();
    expectTypeOf(nodeApi.writeJsonAtomic).toEqualTypeOf<(path: string, data: unknown) => Promise<void>>();
    expectTypeOf(api.AttackError).instance.toHaveProperty('option').toEqualTypeOf<string>();
  });
});
