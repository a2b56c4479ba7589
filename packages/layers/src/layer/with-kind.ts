import type { DictConv2DOptions, DictKind } from './dict-conv2d-config.ts';

/**
 * A copy of a {@link DictConv2D} config (or `layer.getConfig()`) switched to another `kind`. The kind-dependent
 * options `beta` and `trainBeta` are reset to the new kind's defaults (vanilla 1 / robust 0 / elastic 0.5, trained
 * only for elastic) unless given; everything else (name included) is kept. Because every kind has the same
 * weights in the same order, a trained layer converts with
 * `const next = new DictConv2D(withKind(layer.getConfig(), 'elastic')); ...; next.setWeights(layer.getWeights())`.
 * Copy weights layer by layer (or by name): a model's flat `getWeights()` lists trainable weights first, so its
 * order changes with `trainBeta`.
 *
 * @param beta - initial beta of the new config (only meaningful for `'elastic'`); note that copied weights
 *   overwrite it, so set the `beta` weight after copying to start elsewhere than the old value.
 * @example
 * const elastic = withKind(vanillaLayer.getConfig(), 'elastic');
 */
export function withKind<T extends DictConv2DOptions>(
  config: T,
  kind: DictKind,
  overrides: { beta?: number; trainBeta?: boolean } = {},
): T {
  const { beta: _beta, trainBeta: _trainBeta, ...rest } = config;
  const next = { ...rest, kind } as T;
  if (overrides.beta !== undefined) next.beta = overrides.beta;
  if (overrides.trainBeta !== undefined) next.trainBeta = overrides.trainBeta;
  return next;
}
