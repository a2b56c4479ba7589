import {
  DICT_KINDS,
  type DictConv2DOptions,
  fuseBatchNormalization,
  isDictLayerConfig,
  setBeta,
  withKind,
} from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { dictLayersOf } from './dict-layers.ts';

/** Options of {@link toElastic}. */
export interface ToElasticOptions {
  /** beta of every switched layer, in [0, 1] (default 0.5). beta = 1 computes exactly the vanilla function. */
  beta?: number;
  /** Whether beta is trained (default true). */
  trainBeta?: boolean;
  /**
   * Name of the copy (what a saved model is called). Default: the source's name with a trailing `-vanilla` /
   * `-robust` / `-elastic` (as {@link resnet} names models) replaced by `-elastic`, otherwise `-elastic` appended:
   * `resnet18-vanilla` becomes `resnet18-elastic`.
   */
  name?: string;
}

/** `name` with its trailing `-<kind>` replaced by (or, without one, followed by) `-elastic`. */
function elasticName(name: string): string {
  const kind = DICT_KINDS.find((k) => name.endsWith(`-${k}`));
  const stem = kind === undefined ? name : name.slice(0, -(kind.length + 1));
  return `${stem}-elastic`;
}

interface LayerConfigEntry {
  className: string;
  name: string;
  config: tf.serialization.ConfigDict;
}

/**
 * Returns a copy of `model` whose `DictConv2D` layers are Elastic DL (paper §5.1: pretrain Vanilla DL, then
 * fine-tune Elastic DL): the model config is rebuilt with @edl/layers' `withKind(config, 'elastic')`, the requested
 * beta and `trainBeta`, every weight (kernels, BatchNorm statistics, lambda, step size, dense head) is copied bit for
 * bit, then beta is set with `setBeta`. @edl/layers checks the options (beta a number in [0, 1], trainBeta a
 * boolean). The input model is left unchanged. Works from any DL kind (vanilla, robust, or elastic with other
 * betas). The copy is named for what it is (`resnet18-vanilla` -> `resnet18-elastic`, see
 * {@link ToElasticOptions.name}). The copy is not compiled and has no optimizer state: create the fine-tuning optimizer for it.
 *
 * @example
 * const vanilla = resnet({ depth: 18, conv: 'vanilla' });
 * // ... pretrain ...
 * const elastic = toElastic(vanilla, { beta: 0.5 });
 */
export function toElastic(model: tf.LayersModel, options: ToElasticOptions = {}): tf.LayersModel {
  if (!(model instanceof tf.LayersModel))
    throw new ModelError('invalid-option', 'model', 'model: expected a tf.LayersModel');
  const beta = options.beta ?? 0.5;
  const trainBeta = options.trainBeta ?? true;
  const name = options.name ?? elasticName(model.name);
  if (typeof name !== 'string' || name.length === 0) {
    throw new ModelError('invalid-option', 'name', `name: expected a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (dictLayersOf(model).length === 0)
    throw new ModelError('invalid-input', 'model', `model '${model.name}': has no DictConv2D layers`);

  const config = model.getConfig() as tf.serialization.ConfigDict & { layers: LayerConfigEntry[] };
  const layers = config.layers.map((entry) =>
    isDictLayerConfig(entry)
      ? { ...entry, config: withKind(entry.config as unknown as DictConv2DOptions, 'elastic', { beta, trainBeta }) }
      : entry,
  );
  // a Sequential's config has no inputLayers / outputLayers: rebuild it as a Sequential (it crashed in tfjs before)
  const cls = model instanceof tf.Sequential ? tf.Sequential : tf.LayersModel;
  const elastic = cls.fromConfig(cls, {
    ...config,
    name,
    layers,
  } as unknown as tf.serialization.ConfigDict) as tf.LayersModel;

  for (const layer of elastic.layers) {
    if (layer.weights.length === 0) continue;
    const source = model.getLayer(layer.name);
    const values = new Map(source.weights.map((w) => [w.originalName, w]));
    layer.setWeights(
      layer.weights.map((w) => {
        const v = values.get(w.originalName);
        if (v === undefined)
          throw new ModelError(
            'invalid-input',
            'model',
            `layer '${layer.name}': the source model has no weight '${w.originalName}'`,
          );
        return v.read();
      }),
    );
  }
  fuseBatchNormalization(elastic);
  for (const layer of dictLayersOf(elastic)) setBeta(layer, beta);
  return elastic;
}
