import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { checkEdlMetadata } from './check-edl-metadata.ts';
import { decodeSafetensors } from './decode-safetensors.ts';
import { describeModel, encodeEdlMetadata } from './edl-metadata.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import { fromTorchStateDict, type TorchStateDictOptions, toTorchStateDict } from './torch-state-dict.ts';

/**
 * The header metadata of an exported file: `format: 'pt'`, the model's `edl.*` entries ({@link describeModel}: the
 * schema version and every hyperparameter needed to rebuild it) and the user's `metadata`, whose keys may not start
 * with `edl.`. Internal: shared by `exportSafetensors` and `exportSafetensorsFile`.
 */
export function exportMetadata(model: tf.LayersModel, metadata: Record<string, string> = {}): Record<string, string> {
  const reserved = Object.keys(metadata).filter((k) => k.startsWith('edl.') || k === 'format');
  if (reserved.length > 0) {
    throw new ModelError(
      'invalid-option',
      'metadata',
      `metadata: keys 'format' and 'edl.*' are written by the export, got ${reserved.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string')
      throw new ModelError('invalid-option', 'metadata', `metadata: '${k}' must be a string, got ${typeof v}`);
  }
  return { format: 'pt', ...encodeEdlMetadata(describeModel(model)), ...metadata };
}

/**
 * The model's weights as the bytes of a `.safetensors` file with PyTorch names and layouts (see the README's
 * mapping table). The header's `__metadata__` holds `format: 'pt'`, the `edl.*` entries (schema version,
 * architecture, every conv layer's hyperparameters: see the README's schema table; enough to rebuild the model
 * with `resnetFromSafetensors` or with `examples/pytorch-loader/edl_torch.py` in PyTorch) and `metadata` (keys
 * other than `format` and `edl.*`). Reads the weights with awaited `data()` calls, so it works on every backend,
 * WebGPU included. In Node, `exportSafetensorsFile` of `@edl/models/node` writes the file atomically.
 *
 * @example
 * const bytes = await exportSafetensors(model);
 * // python: model.load_state_dict(safetensors.torch.load(bytes))
 */
export async function exportSafetensors(
  model: tf.LayersModel,
  options: TorchStateDictOptions & { metadata?: Record<string, string> } = {},
): Promise<Uint8Array> {
  const metadata = exportMetadata(model, options.metadata);
  return encodeSafetensors(await toTorchStateDict(model, options), metadata);
}

/**
 * Loads PyTorch-named weights from the bytes of a `.safetensors` file into `model` (the inverse of
 * {@link exportSafetensors}); `name` labels errors. A file with `edl.*` metadata must have a schema version this
 * library reads and the same hyperparameters as `model` (architecture and every conv layer's; the error names each
 * differing key); a file without it (another tool's) loads on its tensors alone. Everything is checked before the
 * first weight is written. In Node, `importSafetensorsFile` of `@edl/models/node` reads a file.
 */
export function importSafetensors(model: tf.LayersModel, bytes: Uint8Array, name = 'safetensors'): void {
  if (!(bytes instanceof Uint8Array)) {
    throw new ModelError(
      'invalid-option',
      'bytes',
      `importSafetensors: bytes: expected a Uint8Array (the file's contents), got ${typeof bytes}`,
    );
  }
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  checkEdlMetadata(model, metadata, name);
  try {
    fromTorchStateDict(model, tensors);
  } catch (error) {
    throw new ModelError('invalid-file', 'bytes', `${name}: ${(error as Error).message}`);
  }
}
