export { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN, weightsFileName } from './file-system-handler.ts';
export { readSafetensors, writeSafetensors } from './safetensors-file.ts';
export { exportSafetensorsFile, importSafetensorsFile } from './safetensors-model-file.ts';
