import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import type { DictionarySpec } from './conv-layer-spec.ts';
import { describeModel, type EdlMetadata } from './edl-metadata.ts';
import { readEdlMetadata } from './read-edl-metadata.ts';

/**
 * Dictionary settings that only change training (or gradients), not the function the weights compute: recorded in
 * the file, not compared on import, so a model trained one way loads into a model set up to evaluate or train
 * another way.
 */
export const TRAINING_ONLY_KEYS: readonly (keyof DictionarySpec)[] = [
  'betaTrainable',
  'lambdaTrainable',
  'stepSize',
  'stepSizeRefresh',
  'normalizeAtoms',
  'detachWeights',
];

/** Leaves of a JSON value as dotted paths (`layers.conv1.dictionary.eps`); arrays are leaves. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/** What is compared: the architecture and every conv layer's function-defining hyperparameters. */
function comparable(meta: EdlMetadata): Map<string, string> {
  const layers = Object.fromEntries(
    Object.entries(meta.layers).map(([name, spec]) => {
      if (!spec.dictionary) return [name, spec];
      const dictionary = Object.fromEntries(
        Object.entries(spec.dictionary).filter(
          // at beta = 1 both step-size rules give the same step: a vanilla layer computes the same under either
          ([k]) =>
            !TRAINING_ONLY_KEYS.includes(k as keyof DictionarySpec) &&
            !(k === 'stepSizeRule' && spec.kind === 'vanilla'),
        ),
      );
      return [name, { ...spec, dictionary }];
    }),
  );
  return flatten({ model: meta.model, layers }, '', new Map());
}

/**
 * The hyperparameters on which a file's {@link EdlMetadata} and `model` differ, as
 * `"<key>: file <value>, model <value>"` lines (empty when they agree). Compared: `edl.model` (the architecture)
 * and every conv layer of `edl.layers` except the training-only settings ({@link TRAINING_ONLY_KEYS}); not
 * compared: the name, the library version and `edl.rista` (fixed by the schema version).
 */
export function metadataDifferences(file: EdlMetadata, model: tf.LayersModel): string[] {
  const a = comparable(file);
  const b = comparable(describeModel(model));
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => `${k}: file ${a.get(k) ?? '(absent)'}, model ${b.get(k) ?? '(absent)'}`);
}

/**
 * Checks a file's `__metadata__` before its weights go into `model`: validates the schema version
 * ({@link readEdlMetadata}) and refuses, naming every differing key, a file whose hyperparameters differ from the
 * model's ({@link metadataDifferences}). A file without `edl.schema` (another tool's, or one written before the
 * schema) passes: its tensors are still checked name by name and shape by shape.
 */
export function checkEdlMetadata(model: tf.LayersModel, metadata: Record<string, string>, source: string): void {
  const file = readEdlMetadata(metadata, source);
  if (!file) return;
  const differences = metadataDifferences(file, model);
  if (differences.length > 0) {
    const shown = differences.slice(0, 12);
    const more = differences.length > shown.length ? `\n  ... and ${differences.length - shown.length} more` : '';
    throw new ModelError(
      'invalid-file',
      'metadata',
      `${source}: the file's hyperparameters differ from model '${model.name}' (${differences.length} keys); ` +
        `build the model the file describes (resnetFromSafetensors) or one with the same settings:\n  ${shown.join('\n  ')}${more}`,
    );
  }
}
