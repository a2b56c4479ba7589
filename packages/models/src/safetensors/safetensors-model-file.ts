import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { readSafetensors, writeSafetensors } from './safetensors-file.ts';
import { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './torch-state-dict.ts';

/**
 * Writes the model's weights to a `.safetensors` file with PyTorch names and layouts, atomically (Node; the bytes
 * alone come from `exportSafetensors`). `metadata` goes into the header's `__metadata__`.
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
  await writeSafetensors(path, await toTorchStateDict(model, options), { format: 'pt', ...options.metadata });
}

/** Loads PyTorch-named weights from a `.safetensors` file into `model` (Node; see `importSafetensors`). */
export async function importSafetensorsFile(model: tf.LayersModel, path: string): Promise<void> {
  const { tensors } = await readSafetensors(path);
  try {
    fromTorchStateDict(model, tensors);
  } catch (error) {
    throw new ModelError('invalid-file', 'path', `${path}: ${(error as Error).message}`);
  }
}
