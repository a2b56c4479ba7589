import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { checkEdlMetadata } from './check-edl-metadata.ts';
import { exportMetadata } from './export-safetensors.ts';
import { resnetFromSafetensors } from './resnet-from-safetensors.ts';
import { readSafetensors, writeSafetensors } from './safetensors-file.ts';
import { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './torch-state-dict.ts';

/**
 * Writes the model's weights to a `.safetensors` file with PyTorch names and layouts, atomically (Node; the bytes
 * alone come from `exportSafetensors`, which says what the header's `__metadata__` holds: `format`, the `edl.*`
 * entries that describe the model, and `metadata`).
 *
 * @example
 * await exportSafetensorsFile(model, 'resnet18.safetensors');
 * // python: model.load_state_dict(safetensors.torch.load_file('resnet18.safetensors'))
 */
export async function exportSafetensorsFile(
  model: tf.LayersModel,
  path: string,
  options: TorchStateDictOptions & { metadata?: Record<string, string> } = {},
): Promise<void> {
  const metadata = exportMetadata(model, options.metadata);
  await writeSafetensors(path, await toTorchStateDict(model, options), metadata);
}

/**
 * Loads PyTorch-named weights from a `.safetensors` file into `model` (Node; see `importSafetensors`: the file's
 * `edl.*` metadata must match the model's hyperparameters).
 */
export async function importSafetensorsFile(model: tf.LayersModel, path: string): Promise<void> {
  const { tensors, metadata } = await readSafetensors(path);
  checkEdlMetadata(model, metadata, path);
  try {
    fromTorchStateDict(model, tensors);
  } catch (error) {
    throw new ModelError('invalid-file', 'path', `${path}: ${(error as Error).message}`);
  }
}

/**
 * Rebuilds a tfjs ResNet from a `.safetensors` file alone (Node; see `resnetFromSafetensors`).
 *
 * @example
 * const model = await resnetFromSafetensorsFile('runs/edl-resnet18.safetensors');
 */
export async function resnetFromSafetensorsFile(path: string): Promise<tf.LayersModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ModelError('invalid-file', 'path', `${path}: cannot read safetensors file: ${(error as Error).message}`);
  }
  return resnetFromSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
