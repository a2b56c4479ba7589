import { fuseBatchNormalization, isDictLayer } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';

/** Where {@link saveModel} writes and {@link loadModel} reads: a tfjs IOHandler or a tfjs URL. */
export type ModelLocation = string | tf.io.IOHandler;

/** An IOHandler that says where it reads from, for error messages (as `fileSystemHandler` of `/node` does). */
interface DescribedHandler extends tf.io.IOHandler {
  readonly description?: string;
}

const URL_HELP =
  "a tfjs URL such as 'indexeddb://name', 'localstorage://name', 'downloads://name' or 'http(s)://…' (a browser " +
  "registers the first three), or an IOHandler; for a directory on disk pass fileSystemHandler(dir) from '@edl/models/node'";

function resolveHandler(where: ModelLocation, kind: 'save' | 'load', fn: string): DescribedHandler {
  if (typeof where !== 'string') {
    if (where === null || typeof where !== 'object' || typeof where[kind] !== 'function') {
      throw new ModelError(
        'invalid-option',
        'location',
        `${fn}: expected ${URL_HELP}; got an object without a ${kind}() method`,
      );
    }
    return where;
  }
  const handlers = kind === 'save' ? tf.io.getSaveHandlers(where) : tf.io.getLoadHandlers(where);
  if (handlers.length === 0)
    throw new ModelError(
      'invalid-option',
      'location',
      `${fn}: no tfjs IO handler for '${where}': expected ${URL_HELP}`,
    );
  if (handlers.length > 1)
    throw new ModelError('invalid-option', 'location', `${fn}: several tfjs IO handlers match '${where}'`);
  return Object.assign(handlers[0]!, { description: where });
}

/**
 * Saves a layers model through a tfjs IOHandler or URL and returns tfjs's save result. In a browser:
 * `saveModel(model, 'indexeddb://my-model')` or `'downloads://my-model'`; in Node:
 * `saveModel(model, fileSystemHandler(dir))` (from `@edl/models/node`: `model.json` + `weights.bin`, atomically).
 *
 * @example
 * await saveModel(model, 'indexeddb://resnet18');
 */
export async function saveModel(model: tf.LayersModel, destination: ModelLocation): Promise<tf.io.SaveResult> {
  if (!(model instanceof tf.LayersModel))
    throw new ModelError('invalid-option', 'model', 'saveModel: model: expected a tf.LayersModel');
  return model.save(resolveHandler(destination, 'save', 'saveModel'));
}

function checkWeightsMatch(model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], where: string): void {
  const saved = new Map(specs.filter((s) => s.group !== 'optimizer').map((s) => [s.name, s.shape]));
  const missing: string[] = [];
  for (const w of model.weights) {
    const shape = saved.get(w.originalName);
    if (shape === undefined) missing.push(w.originalName);
    else if (shape.join() !== w.shape.join()) {
      throw new ModelError(
        'invalid-file',
        'location',
        `${where}: weight '${w.originalName}' is saved as [${shape}] but the model expects [${w.shape}]`,
      );
    }
    saved.delete(w.originalName);
  }
  if (missing.length > 0)
    throw new ModelError('invalid-file', 'location', `${where}: the weights lack ${missing.join(', ')}`);
  if (saved.size > 0)
    throw new ModelError(
      'invalid-file',
      'location',
      `${where}: weights without a layer in the topology: ${[...saved.keys()].join(', ')}`,
    );
}

/**
 * Loads a layers model saved by {@link saveModel} (or any tfjs layers model) from a tfjs IOHandler or URL
 * (`'indexeddb://my-model'`, `tf.io.browserFiles([json, weights])`, `fileSystemHandler(dir)` of
 * `@edl/models/node`, ...). Custom layers such as `DictConv2D` are registered by importing `@edl/models` (through
 * `@edl/layers`). Fails with an Error naming the source when the topology and weights disagree (missing, extra or
 * mis-shaped weights); `fileSystemHandler` also names a missing, truncated or over-long file.
 *
 * Weights are checked here rather than by tfjs's `strict` mode, because strict loading builds layers with zero
 * kernels, which layers that derive state from their kernel at build (DictConv2D's step size) refuse.
 *
 * @example
 * const model = await loadModel('indexeddb://resnet18');
 */
export async function loadModel(source: ModelLocation): Promise<tf.LayersModel> {
  const handler = resolveHandler(source, 'load', 'loadModel');
  const where = handler.description ?? 'loadModel';
  const artifacts = await handler.load!();
  const specs = artifacts.weightSpecs ?? [];
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, weightData: undefined }), { strict: false });
  } catch (error) {
    throw new ModelError(
      'invalid-file',
      'location',
      `${where}: cannot build the model topology: ${(error as Error).message}`,
    );
  }
  try {
    checkWeightsMatch(model, specs, where);
    const named = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
    const values = model.weights.map((w) => named[w.originalName]!);
    model.setWeights(values);
    // model.setWeights bypasses each layer's setWeights: the step-size warm starts belong to the built kernels
    for (const layer of model.layers) if (isDictLayer(layer)) layer.resetStepSizeState();
    // BatchNorm layers load as tfjs' class: give them back the fused training step the saved model trained with
    fuseBatchNormalization(model);
    tf.dispose(Object.values(named));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
