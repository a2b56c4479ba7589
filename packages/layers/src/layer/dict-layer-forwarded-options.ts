import { LayerError } from '../core/layer-error.ts';
import { type DictConv2DOptions, type DictKind, fixedBetaOf } from './dict-conv2d-config.ts';

/**
 * The {@link DictConv2DOptions} a network forwards to each of its dictionary layers (the same for every layer):
 * everything but the per-layer geometry (`filters`, `kernelSize`, `strides`, `padding`), `kind` and
 * `kernelInitializer`.
 */
export const DICT_LAYER_FORWARDED_OPTIONS = [
  'steps',
  'lambda',
  'trainLambda',
  'eps',
  'nonNegative',
  'stepSize',
  'stepSizeRule',
  'stepSizeRefresh',
  'normalizeAtoms',
  'beta',
  'trainBeta',
  'detachWeights',
  'recompute',
] as const satisfies readonly (keyof DictConv2DOptions)[];

/** The options of {@link DICT_LAYER_FORWARDED_OPTIONS}. */
export type DictLayerForwardedOptions = Pick<DictConv2DOptions, (typeof DICT_LAYER_FORWARDED_OPTIONS)[number]>;

/**
 * The {@link DICT_LAYER_FORWARDED_OPTIONS} set in `options` (other keys and `undefined` values left out). With a
 * `kind` whose beta is fixed (vanilla 1, robust 0), `beta` and `trainBeta` are left out too, so one set of network
 * options builds layers of every kind.
 *
 * @example
 * dictConv2d({ ...pickDictLayerOptions(networkOptions, 'robust'), filters: 64, kind: 'robust' });
 */
export function pickDictLayerOptions(options: DictLayerForwardedOptions, kind?: DictKind): DictLayerForwardedOptions {
  if (options === null || typeof options !== 'object')
    throw new LayerError('invalid-option', 'options', 'options: expected an options object');
  const fixedBeta = kind !== undefined && fixedBetaOf(kind) !== undefined;
  const picked: Record<string, unknown> = {};
  for (const key of DICT_LAYER_FORWARDED_OPTIONS) {
    if (fixedBeta && (key === 'beta' || key === 'trainBeta')) continue;
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked as DictLayerForwardedOptions;
}
