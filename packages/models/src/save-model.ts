import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler, MODEL_JSON } from './file-system-handler.ts';

/**
 * Saves a layers model to `dir` (created if needed) as `model.json` + `weights.bin`, atomically. Returns tfjs's
 * save result.
 *
 * @example
 * await saveModel(model, 'runs/resnet18');
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  if (!(model instanceof tf.LayersModel)) throw new Error('model: expected a tf.LayersModel');
  return model.save(fileSystemHandler(dir));
}

function checkWeightsMatch(model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], where: string): void {
  const saved = new Map(specs.filter((s) => s.group !== 'optimizer').map((s) => [s.name, s.shape]));
  const missing: string[] = [];
  for (const w of model.weights) {
    const shape = saved.get(w.originalName);
    if (shape === undefined) missing.push(w.originalName);
    else if (shape.join() !== w.shape.join()) {
      throw new Error(`${where}: weight '${w.originalName}' is saved as [${shape}] but the model expects [${w.shape}]`);
    }
    saved.delete(w.originalName);
  }
  if (missing.length > 0) throw new Error(`${where}: the weights lack ${missing.join(', ')}`);
  if (saved.size > 0)
    throw new Error(`${where}: weights without a layer in the topology: ${[...saved.keys()].join(', ')}`);
}

/**
 * Loads a layers model saved by {@link saveModel} (or any tfjs `model.json` + weights directory). Custom layers such
 * as `DictConv2D` are registered by importing `@edl/models` (through `@edl/layers`). Fails with an Error naming the
 * file when a file is missing, truncated or longer than its manifest, or when `model.json`'s topology and weights
 * disagree (missing, extra or mis-shaped weights).
 *
 * Weights are checked here rather than by tfjs's `strict` mode, because strict loading builds layers with zero
 * kernels, which layers that derive state from their kernel at build (DictConv2D's step size) refuse.
 *
 * @example
 * const model = await loadModel('runs/resnet18');
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const where = join(dir, MODEL_JSON);
  const artifacts = await fileSystemHandler(dir).load!();
  const specs = artifacts.weightSpecs ?? [];
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, weightData: undefined }), { strict: false });
  } catch (error) {
    throw new Error(`${where}: cannot build the model topology: ${(error as Error).message}`);
  }
  try {
    checkWeightsMatch(model, specs, where);
    const named = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
    const values = model.weights.map((w) => named[w.originalName]!);
    model.setWeights(values);
    tf.dispose(Object.values(named));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
