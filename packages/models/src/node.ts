export { readSafetensors, writeSafetensors } from './safetensors/safetensors-file.ts';
export {
  exportSafetensorsFile,
  importSafetensorsFile,
  resnetFromSafetensorsFile,
} from './safetensors/safetensors-model-file.ts';
export { atomicWrite, atomicWriteSync } from './saving/atomic-write.ts';
export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN, weightsFileName } from './saving/file-system-handler.ts';
