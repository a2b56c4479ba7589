import { dictConv2d } from '@edl/layers';
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
 * Applies a `DictConv2D` layer of @edl/layers (PyTorch `'symmetric'` padding) to `x`. Vanilla and robust layers
 * get their fixed beta (1 and 0) from the layer itself, so `beta` / `trainBeta` are only passed for the elastic
 * kind.
 */
export function dictConv(x: tf.SymbolicTensor, spec: DictConvSpec): tf.SymbolicTensor {
  const { beta, trainBeta, ...rest } = spec.dictionary;
  const elastic = spec.kind === 'elastic' ? { beta, trainBeta } : {};
  const config = Object.fromEntries(
    Object.entries({ ...rest, ...elastic }).filter(([, v]) => v !== undefined),
  ) as DictionaryOptions;
  return dictConv2d({
    ...config,
    name: spec.name,
    filters: spec.filters,
    kernelSize: spec.kernelSize,
    strides: spec.strides,
    padding: 'symmetric',
    kind: spec.kind,
    kernelInitializer: tf.initializers.heNormal({ seed: spec.seed }),
  }).apply(x) as tf.SymbolicTensor;
}
