import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { resnet } from '../resnet/resnet.ts';
import { resnetOptionsOf } from '../resnet/resnet-architecture.ts';
import type { DictionaryOptions } from '../resnet/resnet-options.ts';
import type { DictionarySpec } from './conv-layer-spec.ts';
import { decodeSafetensors } from './decode-safetensors.ts';
import type { EdlMetadata } from './edl-metadata.ts';
import { importSafetensors } from './export-safetensors.ts';
import { readEdlMetadata } from './read-edl-metadata.ts';

/** The resnet() dictionary options of a file's dictionary layers, which `resnet()` builds all alike. */
function dictionaryOptions(meta: EdlMetadata, source: string): DictionaryOptions {
  const specs = Object.entries(meta.layers).filter(([, l]) => l.dictionary !== undefined);
  if (specs.length === 0) return {};
  const [firstName, first] = specs[0]!;
  const d = first.dictionary as DictionarySpec;
  for (const [name, l] of specs) {
    if (JSON.stringify(l.dictionary) !== JSON.stringify(d)) {
      throw new ModelError(
        'unsupported',
        'bytes',
        `${source}: dictionary layers '${firstName}' and '${name}' have different settings, which resnet() cannot build ` +
          `(${JSON.stringify(d)} vs ${JSON.stringify(l.dictionary)})`,
      );
    }
  }
  return {
    steps: d.steps,
    eps: d.eps,
    nonNegative: d.threshold === 'one-sided',
    trainBeta: d.betaTrainable,
    trainLambda: d.lambdaTrainable,
    stepSize: d.stepSize,
    stepSizeRule: d.stepSizeRule,
    stepSizeRefresh: d.stepSizeRefresh,
    normalizeAtoms: d.normalizeAtoms,
    detachWeights: d.detachWeights,
  };
}

/**
 * Rebuilds a tfjs ResNet from the bytes of a `.safetensors` file exported from a `resnet()` model, with nothing else:
 * the architecture and the dictionary settings come from the file's `edl.*` metadata, then the weights are loaded
 * (and checked) by {@link importSafetensors}. The model is named as the exported one; its layers' initial-value
 * options (`lambda`, `beta` in their configs) are the defaults, since the loaded tensors hold the values. The
 * layers' `recompute` (a memory setting, not recorded) is off. `source` labels errors.
 * Throws for a file without `edl.model` (not a `resnet()` export, or written before the metadata schema).
 *
 * @example
 * const bytes = await exportSafetensors(model);
 * const again = resnetFromSafetensors(bytes); // same layers, same weights, same logits
 */
export function resnetFromSafetensors(bytes: Uint8Array, source = 'safetensors'): tf.LayersModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new ModelError(
      'invalid-option',
      'bytes',
      `resnetFromSafetensors: bytes: expected a Uint8Array (the file's contents), got ${typeof bytes}`,
    );
  }
  const { metadata } = decodeSafetensors(bytes, source);
  const meta = readEdlMetadata(metadata, source);
  if (!meta?.model) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: no 'edl.model' metadata: the file does not describe a resnet() model (exported by another tool, ` +
        'from another model, or by an @edl/models without the metadata schema); build the model and use importSafetensors',
    );
  }
  const model = resnet({ ...resnetOptionsOf(meta.model), ...dictionaryOptions(meta, source), name: meta.name });
  try {
    importSafetensors(model, bytes, source);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
