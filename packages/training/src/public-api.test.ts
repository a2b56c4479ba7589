import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LrSchedule, ThreatModel, TrainingMethod, TrainOptions, TrainResult } from './index.ts';
import * as api from './index.ts';
import * as nodeApi from './node.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'Sgd',
  'TrainingError',
  'applyWeightConstraints',
  'awp',
  'batchAugmentation',
  'checkThreatModel',
  'constantLr',
  'cosineLr',
  'crossEntropy',
  'crossEntropyPerSample',
  'deriveSeed',
  'firstIndices',
  'gatherBatch',
  'hat',
  'innerMaximize',
  'klDivergencePerSample',
  'logitsOf',
  'mart',
  'martLoss',
  'memoryStore',
  'mixupInPlace',
  'monitorAccuracy',
  'multiStepLr',
  'oneHotLabels',
  'pgdAT',
  'recalibrateBatchNorm',
  'seededPermutation',
  'standardTraining',
  'stepTargets',
  'trades',
  'tradesAdversary',
  'tradesLoss',
  'train',
  'weightPenalty',
];
const NODE_EXPORTS = [
  'appendMetrics',
  'defaultStore',
  'directoryStore',
  'hasCheckpoint',
  'progressBar',
  'readCheckpoint',
  'readMetrics',
  'renderSvg',
  'reportCharts',
  'runCli',
  'writeCheckpoint',
  'writeReport',
];

describe('public API of @edl/training', () => {
  it('exports exactly the curated runtime names from "." and "./node"', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(nodeApi).sort()).toEqual([...NODE_EXPORTS].sort());
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.train).toEqualTypeOf<(options: TrainOptions) => Promise<TrainResult>>();
    expectTypeOf(api.pgdAT).toEqualTypeOf<(threat: ThreatModel) => TrainingMethod>();
    expectTypeOf(api.multiStepLr).returns.toEqualTypeOf<LrSchedule>();
    expectTypeOf(api.seededPermutation).toEqualTypeOf<(n: number, seed: number) => Int32Array>();
    expectTypeOf(api.checkThreatModel).toEqualTypeOf<(method: string, t: ThreatModel) => void>();
    expectTypeOf<InstanceType<typeof api.TrainingError>['option']>().toEqualTypeOf<string>();
  });
});
