export { getBetas, type LayerBeta, readBetas } from '@edl/layers';
export { ModelError } from './core/model-error.ts';
export {
  type EmbeddingDifferenceOptions,
  embeddingDifference,
  type LayerDifference,
} from './resnet/embedding-difference.ts';
export { layerBetas } from './resnet/layer-betas.ts';
export { resnet } from './resnet/resnet.ts';
export type { ResNetArchitecture } from './resnet/resnet-architecture.ts';
export type { ConvKind, DictionaryOptions, ResNetDepth, ResNetOptions } from './resnet/resnet-options.ts';
export { type ToElasticOptions, toElastic } from './resnet/to-elastic.ts';
export type { ConvLayerSpec, DictionarySpec } from './safetensors/conv-layer-spec.ts';
export { decodeSafetensors, type SafetensorsFile } from './safetensors/decode-safetensors.ts';
export { describeModel, EDL_SCHEMA_VERSION, type EdlMetadata } from './safetensors/edl-metadata.ts';
export { encodeSafetensors } from './safetensors/encode-safetensors.ts';
export { exportSafetensors, importSafetensors } from './safetensors/export-safetensors.ts';
export { readEdlMetadata } from './safetensors/read-edl-metadata.ts';
export { resnetFromSafetensors } from './safetensors/resnet-from-safetensors.ts';
export type { SafeTensor, SafetensorsData, SafetensorsDtype } from './safetensors/safetensors.ts';
export { type TorchLayout, type TorchWeight, torchWeightsOf } from './safetensors/torch-names.ts';
export { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './safetensors/torch-state-dict.ts';
export { loadModel, type ModelLocation, saveModel } from './saving/save-model.ts';
