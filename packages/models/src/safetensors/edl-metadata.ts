import type * as tf from '@tensorflow/tfjs';
import packageJson from '../../package.json' with { type: 'json' };
import { describeResNet, type ResNetArchitecture } from '../resnet/resnet-architecture.ts';
import { type ConvLayerSpec, convLayerSpec } from './conv-layer-spec.ts';

/**
 * Version of the `edl.*` metadata schema this library writes (`edl.schema`). It reads this one and version 1 (whose
 * dictionary layers step `step_size` everywhere: read as `stepSizeRule: 'lipschitz'`).
 */
export const EDL_SCHEMA_VERSION = 2;

/**
 * What schema 1 means by its layers, written into every file as `edl.rista` for a reader without this library. The
 * semantics are fixed by the schema version: a change of any of them is a new version.
 */
export const EDL_RISTA_SCHEMA_1 = {
  A: 'conv2d(x, weight, stride, padding)',
  'A*': 'conv_transpose2d(z, weight, stride, padding), output size that of x (the exact adjoint of A)',
  z0: 'T(t * A(x))',
  step: 'r = x - A*(z); w = 1 / (2 * (|r| + eps)); z = T(z + t * A((beta + (1 - beta) * w) * r)); steps - 1 times',
  threshold: 'one-sided: max(v - relu(lambda) * t, 0); two-sided: sign(v) * max(|v| - relu(lambda) * t, 0)',
  t: 'the step_size tensor',
  beta: 'vanilla: 1; robust: 0; elastic: clamp(beta tensor, 0, 1)',
  stepSizeRule:
    "'auto': t = 0.9 / L, L = ||A||^2 by power iteration on one sample (50 iterations from a seeded start, 10 when " +
    'warm-started), refreshed every stepSizeRefresh training calls, without gradient; a number: fixed',
  normalizeAtoms: 'each output channel of weight projected to unit l2 norm before every training call',
} as const;

/**
 * What schema 2 means by its layers (`edl.rista`): schema 1 plus the per-layer `stepSizeRule`. The encoder pass
 * steps `t0`, the `step_size` tensor; the corrections step `t`, which the rule derives from `t0`.
 *
 * Spelled out key by key in schema 1's key order (not `{ ...EDL_RISTA_SCHEMA_1, z0: ... }`): the bundler inlines a
 * spread of a constant into an object literal with duplicate keys, and a user's esbuild then warns on every build.
 */
export const EDL_RISTA_SCHEMA_2 = {
  A: EDL_RISTA_SCHEMA_1.A,
  'A*': EDL_RISTA_SCHEMA_1['A*'],
  z0: 'T0(t0 * A(x)), T0 the threshold at relu(lambda) * t0',
  step: EDL_RISTA_SCHEMA_1.step,
  threshold: EDL_RISTA_SCHEMA_1.threshold,
  t:
    "stepSizeRule 'elastic': t0 / (beta + (1 - beta) / (2 * eps)) (the step of guaranteed descent; t0 at beta = 1); " +
    "'lipschitz': t0",
  beta: EDL_RISTA_SCHEMA_1.beta,
  stepSizeRule:
    "stepSize 'auto': step_size = 0.9 / L, L = ||A||^2 by power iteration on one sample (50 iterations from a seeded " +
    'start, 10 when warm-started), refreshed every stepSizeRefresh training calls, without gradient; a number: ' +
    "fixed. Per layer, edl.layers.<name>.dictionary.stepSizeRule ('elastic' or 'lipschitz') says how t follows",
  normalizeAtoms: EDL_RISTA_SCHEMA_1.normalizeAtoms,
  t0: 'the step_size tensor',
} as const;

/** The `edl.*` entries of an exported file, decoded (see the README's schema table). */
export interface EdlMetadata {
  /** `edl.schema`: the schema version. */
  schema: number;
  /** `edl.library`: the package and version that wrote the file. */
  library: { name: string; version: string };
  /** `edl.name`: the model's name. */
  name: string;
  /** `edl.model`: the architecture, for a ResNet built by `resnet()`; absent for other models. */
  model?: ResNetArchitecture;
  /** `edl.layers`: every conv layer (ordinary and dictionary), by layer name, in model order. */
  layers: Record<string, ConvLayerSpec>;
  /** `edl.rista`: the layer semantics of the file's schema version, for human readers ({@link EDL_RISTA_SCHEMA_2}). */
  rista: typeof EDL_RISTA_SCHEMA_2 | typeof EDL_RISTA_SCHEMA_1;
}

/** Keys of the header's `__metadata__` this library writes (every other key is the user's). */
export const EDL_METADATA_KEYS = ['edl.schema', 'edl.library', 'edl.name', 'edl.model', 'edl.layers', 'edl.rista'];

/**
 * The `edl.*` metadata of `model` as {@link EdlMetadata}: everything needed to rebuild it from the file alone
 * (with the tensors), read from the model's layers. Works for any model; `model` is only set for a `resnet()`.
 *
 * @example
 * describeModel(resnet({ depth: 10, conv: 'elastic' })).layers['conv1']?.dictionary?.steps; // 3
 */
export function describeModel(model: tf.LayersModel): EdlMetadata {
  const layers: Record<string, ConvLayerSpec> = {};
  for (const l of model.layers) {
    const spec = convLayerSpec(l);
    if (spec) layers[l.name] = spec;
  }
  const arch = describeResNet(model);
  return {
    schema: EDL_SCHEMA_VERSION,
    library: { name: packageJson.name, version: packageJson.version },
    name: model.name,
    ...(arch ? { model: arch } : {}),
    layers,
    rista: EDL_RISTA_SCHEMA_2,
  };
}

/**
 * {@link EdlMetadata} as header metadata: safetensors metadata values are strings, so `edl.schema` is the decimal
 * version, `edl.name` the plain name, and the other values are JSON text.
 */
export function encodeEdlMetadata(meta: EdlMetadata): Record<string, string> {
  return {
    'edl.schema': String(meta.schema),
    'edl.library': JSON.stringify(meta.library),
    'edl.name': meta.name,
    ...(meta.model ? { 'edl.model': JSON.stringify(meta.model) } : {}),
    'edl.layers': JSON.stringify(meta.layers),
    'edl.rista': JSON.stringify(meta.rista),
  };
}
