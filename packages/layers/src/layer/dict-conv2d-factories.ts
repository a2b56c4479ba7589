import { DictConv2D } from './dict-conv2d.ts';
import type { DictConv2DConfig } from './dict-conv2d-config.ts';

/**
 * A {@link DictConv2D} of any kind (default `'elastic'`), mirroring `tf.layers.conv2d`.
 *
 * @example
 * const layer = dictConv2d({ kind: 'robust', filters: 16, strides: 2 });
 */
export function dictConv2d(config: DictConv2DConfig): DictConv2D {
  return new DictConv2D(config);
}

/** Vanilla DL (SDNet's CSC layer): {@link DictConv2D} with beta fixed at 1, i.e. unrolled ISTA. */
export function vanillaDictConv2d(config: Omit<DictConv2DConfig, 'kind'>): DictConv2D {
  return new DictConv2D({ ...config, kind: 'vanilla' });
}

/** Robust DL: {@link DictConv2D} with beta fixed at 0, an l1 reconstruction fidelity. */
export function robustDictConv2d(config: Omit<DictConv2DConfig, 'kind'>): DictConv2D {
  return new DictConv2D({ ...config, kind: 'robust' });
}

/** Elastic DL: {@link DictConv2D} with a learnt beta (initial 0.5 unless given). */
export function elasticDictConv2d(config: Omit<DictConv2DConfig, 'kind'>): DictConv2D {
  return new DictConv2D({ ...config, kind: 'elastic' });
}
