/**
 * Names of the four weights of every {@link DictConv2D}, in the order `layer.weights` lists them, for every kind:
 * `kernel [kh, kw, Cin, filters]`, `beta`, `lambda`, `stepSize` (scalars). Read one with `layer.weight(name)`.
 *
 * @example
 * for (const name of DICT_WEIGHT_NAMES) console.log(name, layer.weight(name).shape);
 */
export const DICT_WEIGHT_NAMES = ['kernel', 'beta', 'lambda', 'stepSize'] as const;

/** One of {@link DICT_WEIGHT_NAMES}. */
export type DictWeightName = (typeof DICT_WEIGHT_NAMES)[number];
