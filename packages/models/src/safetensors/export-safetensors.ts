import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { decodeSafetensors } from './decode-safetensors.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './torch-state-dict.ts';

/**
 * The model's weights as the bytes of a `.safetensors` file with PyTorch names and layouts (see the README's
 * mapping table). `metadata` goes into the header's `__metadata__` (with `format: 'pt'`). Reads the weights with
 * awaited `data()` calls, so it works on every backend, WebGPU included. In Node, `exportSafetensorsFile` of
 * `@edl/models/node` writes the file atomically.
 *
 * @example
 * const bytes = await exportSafetensors(model);
 * // python: model.load_state_dict(safetensors.torch.load(bytes))
 */
export async function exportSafetensors(
  model: tf.LayersModel,
  options: TorchStateDictOptions & { metadata?: Record<string, string> } = {},
): Promise<Uint8Array> {
  return encodeSafetensors(await toTorchStateDict(model, options), { format: 'pt', ...options.metadata });
}

/**
 * Loads PyTorch-named weights from the bytes of a `.safetensors` file into `model` (the inverse of
 * {@link exportSafetensors}); `name` labels errors. In Node, `importSafetensorsFile` of `@edl/models/node` reads a
 * file.
 */
export function importSafetensors(model: tf.LayersModel, bytes: Uint8Array, name = 'safetensors'): void {
  if (!(bytes instanceof Uint8Array)) {
    throw new ModelError(
      'invalid-option',
      'bytes',
      `importSafetensors: bytes: expected a Uint8Array (the file's contents), got ${typeof bytes}`,
    );
  }
  const { tensors } = decodeSafetensors(bytes, name);
  try {
    fromTorchStateDict(model, tensors);
  } catch (error) {
    throw new ModelError('invalid-file', 'bytes', `${name}: ${(error as Error).message}`);
  }
}
