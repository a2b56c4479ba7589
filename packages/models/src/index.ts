export { getBetas, type LayerBeta } from '@edl/layers';
export { ModelError } from './core/model-error.ts';
export {
  type EmbeddingDifferenceOptions,
  embeddingDifference,
  type LayerDifference,
} from './resnet/embedding-difference.ts';
export { layerBetas } from './resnet/layer-betas.ts';
export { resnet } from './resnet/resnet.ts';
export type { ConvKind, DictionaryOptions, ResNetDepth, ResNetOptions } from './resnet/resnet-options.ts';
export { type ToElasticOptions, toElastic } from './resnet/to-elastic.ts';
export { decodeSafetensors, type SafetensorsFile } from './safetensors/decode-safetensors.ts';
export { encodeSafetensors } from './safetensors/encode-safetensors.ts';
export { exportSafetensors, importSafetensors } from './safetensors/export-safetensors.ts';
export type { SafeTensor, SafetensorsData, SafetensorsDtype } from './safetensors/safetensors.ts';
export { type TorchLayout, type TorchWeight, torchWeightsOf } from './safetensors/torch-names.ts';
export { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './safetensors/torch-state-dict.ts';
export { loadModel, type ModelLocation, saveModel } from './saving/save-model.ts';
