import { ModelError } from '../core/model-error.ts';
import type { ConvLayerSpec } from './conv-layer-spec.ts';
import { EDL_SCHEMA_VERSION, type EdlMetadata } from './edl-metadata.ts';

function bad(source: string, message: string): never {
  throw new ModelError('invalid-file', 'metadata', `${source}: ${message}`);
}

function json(metadata: Record<string, string>, key: string, source: string): unknown {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    return bad(source, `metadata '${key}' is not valid JSON (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Decodes and validates the `edl.*` entries of a safetensors header's `__metadata__`. Returns undefined for a file
 * without `edl.schema` (written by another tool, or by EDL.js before the schema existed: weights only). Reads schema
 * {@link EDL_SCHEMA_VERSION} and schema 1, whose dictionary layers get `stepSizeRule: 'lipschitz'` (what they
 * computed). Throws a {@link ModelError} naming `source` for another version (a newer one asks for a newer
 * `@edl/models`) and for a missing or malformed entry.
 *
 * @example
 * const { metadata } = decodeSafetensors(bytes);
 * readEdlMetadata(metadata)?.model?.depth; // 18
 */
export function readEdlMetadata(metadata: Record<string, string>, source = 'safetensors'): EdlMetadata | undefined {
  const schema = metadata['edl.schema'];
  if (schema === undefined) return undefined;
  const version = /^\d+$/.test(schema) ? Number(schema) : Number.NaN;
  if (version !== EDL_SCHEMA_VERSION && version !== 1) {
    const newer = version > EDL_SCHEMA_VERSION;
    bad(
      source,
      newer
        ? `metadata schema version ${version} is newer than this @edl/models reads (${EDL_SCHEMA_VERSION}): upgrade @edl/models`
        : `unknown metadata schema version ${JSON.stringify(schema)} (this @edl/models reads version ${EDL_SCHEMA_VERSION})`,
    );
  }
  const library = json(metadata, 'edl.library', source);
  const layers = json(metadata, 'edl.layers', source);
  const model = json(metadata, 'edl.model', source);
  const rista = json(metadata, 'edl.rista', source);
  const name = metadata['edl.name'];
  if (!isObject(library) || typeof library.name !== 'string' || typeof library.version !== 'string')
    bad(source, "metadata 'edl.library': expected {name, version}");
  if (typeof name !== 'string') bad(source, "metadata 'edl.name': missing");
  if (!isObject(layers) || !Object.values(layers).every((l) => isObject(l) && typeof l.kind === 'string'))
    bad(source, "metadata 'edl.layers': expected an object of conv layer specs, each with a kind");
  if (model !== undefined && (!isObject(model) || model.family !== 'resnet'))
    bad(source, "metadata 'edl.model': expected a ResNet architecture (family 'resnet')");
  if (!isObject(rista)) bad(source, "metadata 'edl.rista': missing");
  return {
    schema: version,
    library: library as EdlMetadata['library'],
    name,
    ...(model !== undefined ? { model: model as unknown as EdlMetadata['model'] } : {}),
    layers: version === 1 ? withSchema1StepRule(layers as EdlMetadata['layers']) : (layers as EdlMetadata['layers']),
    rista: rista as unknown as EdlMetadata['rista'],
  };
}

/** Schema 1 layers stepped `step_size` in every RISTA step: the `'lipschitz'` rule of schema 2. */
function withSchema1StepRule(layers: Record<string, ConvLayerSpec>): Record<string, ConvLayerSpec> {
  return Object.fromEntries(
    Object.entries(layers).map(([name, l]) => [
      name,
      l.dictionary ? { ...l, dictionary: { ...l.dictionary, stepSizeRule: 'lipschitz' as const } } : l,
    ]),
  );
}
