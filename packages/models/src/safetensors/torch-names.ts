import { DICT_WEIGHT_NAMES, type DictConv2D, type DictWeightName, isDictLayer } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';

/** How a tfjs weight is laid out relative to its PyTorch counterpart. */
export type TorchLayout = 'conv' | 'dense' | 'same';

/** One tfjs weight and the PyTorch state-dict entry it maps to. */
export interface TorchWeight {
  /** Index into `layer.weights`. */
  index: number;
  /** PyTorch state-dict key, e.g. `layer1.0.bn1.running_mean`. */
  torchName: string;
  /** `'conv'`: [kh,kw,in,out] <-> [out,in,kh,kw]; `'dense'`: [in,out] <-> [out,in]; `'same'`: unchanged. */
  layout: TorchLayout;
}

const SUFFIXES: Record<string, Record<string, [string, TorchLayout]>> = {
  Conv2D: { kernel: ['weight', 'conv'], bias: ['bias', 'same'] },
  Dense: { kernel: ['weight', 'dense'], bias: ['bias', 'same'] },
  BatchNormalization: {
    gamma: ['weight', 'same'],
    beta: ['bias', 'same'],
    moving_mean: ['running_mean', 'same'],
    moving_variance: ['running_var', 'same'],
  },
};

/** PyTorch names of the `DictConv2D` weights (@edl/layers' `DICT_WEIGHT_NAMES`). */
const DICT_SUFFIXES: Record<DictWeightName, [string, TorchLayout]> = {
  kernel: ['weight', 'conv'],
  beta: ['beta', 'same'],
  lambda: ['lambda', 'same'],
  stepSize: ['step_size', 'same'],
};

function dictTorchWeights(layer: DictConv2D): TorchWeight[] {
  return layer.weights.map((w, index) => {
    const name = DICT_WEIGHT_NAMES.find((n) => layer.weight(n) === w);
    if (name === undefined) {
      throw new ModelError(
        'unsupported',
        'model',
        `layer '${layer.name}' (DictConv2D): no PyTorch mapping for weight '${w.originalName}'`,
      );
    }
    const [suffix, layout] = DICT_SUFFIXES[name];
    return { index, torchName: `${layer.name}.${suffix}`, layout };
  });
}

/**
 * The PyTorch state-dict names of a layer's weights: `<layer name>.<param>`, with Conv2D / Dense
 * `kernel -> weight` (transposed), `bias -> bias`, BatchNorm `gamma/beta/moving_mean/moving_variance ->
 * weight/bias/running_mean/running_var`, DictConv2D `kernel/beta/lambda/stepSize -> weight/beta/lambda/step_size`.
 * Layers without weights give `[]`; a layer with weights of another class throws.
 */
export function torchWeightsOf(layer: tf.layers.Layer): TorchWeight[] {
  const weights = layer.weights;
  if (weights.length === 0) return [];
  if (isDictLayer(layer)) return dictTorchWeights(layer);
  const className = layer.getClassName();
  const table = SUFFIXES[className];
  if (table === undefined) {
    throw new ModelError(
      'unsupported',
      'model',
      `layer '${layer.name}': no PyTorch mapping for weights of class ${className}`,
    );
  }
  return weights.map((w, index) => {
    const suffix = w.originalName.split('/').pop() ?? '';
    const entry = table[suffix];
    if (entry === undefined) {
      throw new ModelError(
        'unsupported',
        'model',
        `layer '${layer.name}' (${className}): no PyTorch mapping for weight '${w.originalName}'`,
      );
    }
    return { index, torchName: `${layer.name}.${entry[0]}`, layout: entry[1] };
  });
}
