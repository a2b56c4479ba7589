// Everything @edl/ops exports except setupBackend / defaultThreads, which each entry (index.ts for browsers and
// bundles, index.node.ts for Node) takes from its own platform file. Import from '@edl/ops', not from here.
export type {
  AdapterReport,
  BackendChoice,
  BackendSetup,
  NativeChoice,
  SetupBackendOptions,
} from './backend/backend-options.ts';
export {
  type Checkers,
  createCheckers,
  type EdlErrorClass,
  type NumberRange,
} from './errors/create-checkers.ts';
export type { EdlErrorCode } from './errors/error-codes.ts';
export { OpsError } from './errors/ops-error.ts';
export { FUSED_BATCH_NORM_KERNELS } from './kernels/native/native-batch-norm-kernels.ts';
export { FUSED_RISTA_KERNELS } from './kernels/native/native-rista-kernels.ts';
export {
  NATIVE_KERNELS,
  registerNativeKernels,
  unregisterNativeKernels,
} from './kernels/native/register-native-kernels.ts';
export {
  type RegisterWasmConvKernelsOptions,
  registerWasmConvKernels,
  WASM_CONV_KERNELS,
} from './kernels/wasm/register-wasm-conv-kernels.ts';
export {
  registerWebgpuKernels,
  unregisterWebgpuKernels,
  WEBGPU_KERNELS,
} from './kernels/webgpu/register-webgpu-kernels.ts';
export { type ConvGeometry, type ConvOperator, convOperator } from './operators/conv-operator.ts';
export { elasticWeights } from './operators/elastic-weights.ts';
export { type BatchNormTraining, batchNormTraining, fusedBatchNormAvailable } from './operators/fused-batch-norm.ts';
export { fusedElasticResidual, fusedRistaAvailable, fusedShrinkStep } from './operators/fused-rista.ts';
export {
  type ConvPadding,
  convOutputSize,
  type ExplicitPadding,
  resolvePadding,
  type TfPadding,
} from './operators/padding.ts';
export {
  estimateLipschitz,
  type LipschitzEstimate,
  type LipschitzTensors,
  lipschitzOnDevice,
  type PowerIterationOptions,
} from './operators/power-iteration.ts';
export { type SgdStepOptions, type SgdStepResult, sgdStep } from './operators/sgd-step.ts';
export { nonNegativeSoftThreshold, softThreshold } from './operators/shrinkage.ts';
