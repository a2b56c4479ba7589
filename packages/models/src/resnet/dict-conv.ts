import { dictConv2d, pickDictLayerOptions } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import type { ConvKind, DictionaryOptions } from './resnet-options.ts';

/** What {@link dictConv} needs to place one `DictConv2D` layer. */
export interface DictConvSpec {
  name: string;
  filters: number;
  kernelSize: number;
  strides: number;
  kind: Exclude<ConvKind, 'standard'>;
  dictionary: DictionaryOptions;
  /** Seed of the He-normal kernel initializer; unseeded when undefined. */
  seed: number | undefined;
}

/**
 * Applies a `DictConv2D` layer of @edl/layers (PyTorch `'symmetric'` padding) to `x`. The dictionary options are
 * picked for the layer's kind by @edl/layers' `pickDictLayerOptions` (vanilla and robust layers keep their fixed
 * beta, so `beta` / `trainBeta` only reach elastic ones).
 */
export function dictConv(x: tf.SymbolicTensor, spec: DictConvSpec): tf.SymbolicTensor {
  return dictConv2d({
    ...pickDictLayerOptions(spec.dictionary, spec.kind),
    name: spec.name,
    filters: spec.filters,
    kernelSize: spec.kernelSize,
    strides: spec.strides,
    padding: 'symmetric',
    kind: spec.kind,
    kernelInitializer: tf.initializers.heNormal({ seed: spec.seed }),
  }).apply(x) as tf.SymbolicTensor;
}
