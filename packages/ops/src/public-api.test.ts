import type * as tf from '@tensorflow/tfjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BackendSetup, ConvOperator, EdlErrorCode, LipschitzEstimate, SetupBackendOptions } from './index.node.ts';
import * as api from './index.node.ts';
import * as browserApi from './index.ts';

// The curated public API: adding or removing a runtime export is a deliberate change to this list (and a changeset).
const RUNTIME_EXPORTS = [
  'FUSED_BATCH_NORM_KERNELS',
  'FUSED_RISTA_KERNELS',
  'NATIVE_KERNELS',
  'OpsError',
  'WASM_CONV_KERNELS',
  'WEBGPU_KERNELS',
  'batchNormTraining',
  'convOperator',
  'convOutputSize',
  'createCheckers',
  'defaultThreads',
  'elasticWeights',
  'estimateLipschitz',
  'fusedBatchNormAvailable',
  'fusedElasticResidual',
  'fusedRistaAvailable',
  'fusedShrinkStep',
  'lipschitzOnDevice',
  'nonNegativeSoftThreshold',
  'registerNativeKernels',
  'registerWasmConvKernels',
  'registerWebgpuKernels',
  'resolvePadding',
  'setupBackend',
  'sgdStep',
  'softThreshold',
  'unregisterNativeKernels',
  'unregisterWebgpuKernels',
];

describe('public API of @edl/ops', () => {
  it('exports exactly the curated runtime names from both entries (browser and node)', () => {
    expect(Object.keys(api).sort()).toEqual([...RUNTIME_EXPORTS].sort());
    expect(Object.keys(browserApi).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });

  it('has the documented signatures', () => {
    expectTypeOf(api.setupBackend).toEqualTypeOf<(options?: SetupBackendOptions) => Promise<BackendSetup>>();
    expectTypeOf(browserApi.setupBackend).toEqualTypeOf<(options?: SetupBackendOptions) => Promise<BackendSetup>>();
    expectTypeOf(api.convOperator).parameter(0).toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf(api.convOperator).returns.toEqualTypeOf<ConvOperator>();
    expectTypeOf(api.estimateLipschitz).returns.toEqualTypeOf<Promise<LipschitzEstimate>>();
    expectTypeOf(api.softThreshold<tf.Tensor4D>).returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<InstanceType<typeof api.OpsError>['code']>().toEqualTypeOf<EdlErrorCode>();
    expectTypeOf<InstanceType<typeof api.OpsError>['option']>().toEqualTypeOf<string>();
    expectTypeOf(api.createCheckers(api.OpsError).checkPositiveInt).toEqualTypeOf<
      (name: string, value: unknown) => number
    >();
  });
});
