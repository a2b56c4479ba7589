export { type ConvGeometry, type ConvOperator, convOperator } from './conv-operator.ts';
export { elasticWeights } from './elastic-weights.ts';
export { fusedElasticResidual, fusedRistaAvailable, fusedShrinkStep } from './fused-rista.ts';
export { loadNativeAddon, type NativeAddonResult, type NativeConvAddon } from './native-addon.ts';
export { FUSED_RISTA_KERNELS } from './native-rista-kernels.ts';
export { type ConvPadding, convOutputSize, type ExplicitPadding, resolvePadding, type TfPadding } from './padding.ts';
export { estimateLipschitz, type LipschitzEstimate, type PowerIterationOptions } from './power-iteration.ts';
export {
  NATIVE_KERNELS,
  registerNativeKernels,
  unregisterNativeKernels,
} from './register-native-kernels.ts';
export {
  type RegisterWasmConvKernelsOptions,
  registerWasmConvKernels,
  WASM_CONV_KERNELS,
} from './register-wasm-conv-kernels.ts';
export {
  type BackendChoice,
  type BackendSetup,
  defaultThreads,
  type NativeChoice,
  type SetupBackendOptions,
  setupBackend,
} from './setup-backend.ts';
export { nonNegativeSoftThreshold, softThreshold } from './shrinkage.ts';
