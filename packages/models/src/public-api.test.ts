import type * as tf from '@tensorflow/tfjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ResNetOptions } from './index.ts';
import * as api from './index.ts';
import * as nodeApi from './node.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'EDL_SCHEMA_VERSION',
  'ModelError',
  'decodeSafetensors',
  'describeModel',
  'embeddingDifference',
  'encodeSafetensors',
  'exportSafetensors',
  'fromTorchStateDict',
  'getBetas',
  'importSafetensors',
  'layerBetas',
  'loadModel',
  'readBetas',
  'resnet',
  'saveModel',
  'readEdlMetadata',
  'resnetFromSafetensors',
  'toElastic',
  'toTorchStateDict',
  'torchWeightsOf',
];
const NODE_EXPORTS = [
  'MODEL_JSON',
  'WEIGHTS_BIN',
  'atomicWrite',
  'atomicWriteSync',
  'exportSafetensorsFile',
  'fileSystemHandler',
  'importSafetensorsFile',
  'readSafetensors',
  'resnetFromSafetensorsFile',
  'weightsFileName',
  'writeSafetensors',
];

describe('public API of @edl/models', () => {
  it('exports exactly the curated runtime names from "." and "./node"', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(nodeApi).sort()).toEqual([...NODE_EXPORTS].sort());
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.resnet).toEqualTypeOf<(options: ResNetOptions) => tf.LayersModel>();
    expectTypeOf(api.toElastic).returns.toEqualTypeOf<tf.LayersModel>();
    expectTypeOf(api.loadModel).returns.toEqualTypeOf<Promise<tf.LayersModel>>();
    expectTypeOf(nodeApi.atomicWrite).toEqualTypeOf<(path: string, data: Uint8Array | string) => Promise<void>>();
    expectTypeOf(nodeApi.atomicWriteSync).toEqualTypeOf<(path: string, data: Uint8Array | string) => void>();
    expectTypeOf<InstanceType<typeof api.ModelError>['option']>().toEqualTypeOf<string>();
  });
});
