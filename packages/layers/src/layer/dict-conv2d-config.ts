import { type ConvPadding, resolvePadding } from '@edl/ops';
import type * as tf from '@tensorflow/tfjs';
import { checkBoolean, checkNumber, checkOneOf, checkPositiveInt, invalidOption } from '../core/checkers.ts';
import { LayerError } from '../core/layer-error.ts';

/** The three dictionary-learning layers: Vanilla DL (beta = 1), Robust DL (beta = 0), Elastic DL (learnt beta). */
export type DictKind = 'vanilla' | 'robust' | 'elastic';

/** All kinds, in a stable order. */
export const DICT_KINDS: readonly DictKind[] = ['vanilla', 'robust', 'elastic'];

/** Names of the tfjs initializers accepted as a string by {@link DictConv2DOptions.kernelInitializer}. */
export type KernelInitializerName =
  | 'heNormal'
  | 'heUniform'
  | 'glorotNormal'
  | 'glorotUniform'
  | 'leCunNormal'
  | 'leCunUniform';

/** A tfjs initializer instance (what `tf.initializers.heNormal({})` returns). */
export type KernelInitializer = ReturnType<typeof import('@tensorflow/tfjs').initializers.heNormal>;

/** Options of a {@link DictConv2D} layer (besides the usual tfjs layer arguments such as `name`, `inputShape`). */
export interface DictConv2DOptions {
  /** Which layer: `'vanilla'` (beta fixed at 1), `'robust'` (beta fixed at 0) or `'elastic'` (default). */
  kind?: DictKind;
  /** Number of atoms `D` (output channels). Required. */
  filters: number;
  /** Atom size `k` (square) or `[kh, kw]`. Default 3. */
  kernelSize?: number | [number, number];
  /** Stride of the encoder `A`. Default 1. */
  strides?: number | [number, number];
  /** Padding of `A` and `A*`. Default `'symmetric'` (PyTorch's `padding = (k - 1) / 2`). */
  padding?: ConvPadding;
  /**
   * Unrolled RISTA steps `T` (>= 1). Default 3: the paper (Fig. 6) reports that RISTA "converges within three
   * steps". SDNet's default is 2.
   */
  steps?: number;
  /** Sparsity weight `lambda` (>= 0), initial value of the `lambda` weight. Default 0.1 (SDNet). */
  lambda?: number;
  /** Whether `lambda` is trained (kept >= 0 by a `nonNeg` constraint and a `relu` in the forward pass). Default false. */
  trainLambda?: boolean;
  /** `eps` of the reweighting `w = 1 / (2 (|r| + eps))`, > 0. Default 1e-3 (the authors' code). */
  eps?: number;
  /** One-sided threshold `max(z - lambda t, 0)` (SDNet) instead of the two-sided soft threshold. Default true. */
  nonNegative?: boolean;
  /**
   * Step size `t0` (the encoder pass's step, ISTA's `t`): `'auto'` (default) = `0.9 / L` with `L = ||A||^2` from
   * power iteration, computed without gradient at build and refreshed every
   * {@link DictConv2DOptions.stepSizeRefresh} training calls, or a fixed number > 0. Stored in the non-trainable
   * `stepSize` weight (so a saved model keeps it); {@link DictConv2DOptions.stepSizeRule} turns it into the
   * corrections' step at every forward pass, with the beta of that pass.
   */
  stepSize?: 'auto' | number;
  /**
   * The step `t` of the RISTA corrections, from the stored step `t0` (`0.9 / L` with `stepSize: 'auto'`):
   * - `'elastic'` (default): `t = t0 / (beta + (1 - beta) / (2 eps))` (`elasticStepSize`): with `t0 = 0.9 / L`,
   *   the step at which every correction decreases the objective for every beta (`0.9 / L` at beta = 1,
   *   `0.9 * 2 eps / L` at beta = 0);
   * - `'lipschitz'`: `t = t0` for every beta (SDNet's rule, and this layer's before the `'elastic'` rule): it
   *   descends for beta = 1, but with a small `eps` the objective of a robust or elastic layer can rise.
   *
   * A layer config saved without this key (before the option existed) loads as `'lipschitz'`, so it computes what
   * it computed when it was saved.
   */
  stepSizeRule?: StepSizeRule;
  /** With `stepSize: 'auto'`, refresh `t` every this many training calls. Default 1 (every batch, as SDNet). */
  stepSizeRefresh?: number;
  /**
   * Keep each atom (the filter of one output channel, over `[kh, kw, Cin]`) at unit l2 norm, as SDNet: the kernel
   * is normalised at init, carries a `unitNorm` constraint over axes [0, 1, 2], and is projected at the start of
   * every training call. Default true.
   */
  normalizeAtoms?: boolean;
  /**
   * Initial `beta` in [0, 1]. `'vanilla'` forces 1 and `'robust'` forces 0 (another value is an error);
   * `'elastic'` defaults to 0.5. One scalar per layer, kept in [0, 1] by clamping in the forward pass and by the
   * layer's projection ({@link applyConstraints}). Change it later with {@link setBeta}.
   */
  beta?: number;
  /** Whether `beta` is trained. `'elastic'` default true; must be false for `'vanilla'` / `'robust'`. */
  trainBeta?: boolean;
  /** Stop the gradient through the reweighting `w` (BPDA-style adaptive evaluation). Default false. */
  detachWeights?: boolean;
  /**
   * Gradient checkpointing: the forward pass keeps none of the unrolled RISTA intermediates for backprop (only the
   * input and the weights), and the backward pass recomputes them (see {@link rista}'s `recompute`). Identical
   * values and gradients, much less memory between forward and backward (about `6 T` activation-sized tensors per
   * layer fewer), at the cost of one extra forward of the layer per backward pass. Default false.
   */
  recompute?: boolean;
  /** Kernel initializer: a name or a tfjs initializer instance. Default `'heNormal'`. */
  kernelInitializer?: KernelInitializerName | KernelInitializer;
}

/** How a {@link DictConv2D} with `stepSize: 'auto'` turns `0.9 / L` into the RISTA step, see `stepSizeRule`. */
export type StepSizeRule = 'elastic' | 'lipschitz';

/** All step-size rules. */
export const STEP_SIZE_RULES: readonly StepSizeRule[] = ['elastic', 'lipschitz'];

/** Arguments of the {@link DictConv2D} constructor: the layer options plus the standard tfjs layer arguments. */
export type DictConv2DConfig = DictConv2DOptions & {
  name?: string;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
  batchSize?: number;
  trainable?: boolean;
  dtype?: tf.DataType;
};

/** Every option resolved to its value. */
export interface ResolvedDictConv2DOptions {
  kind: DictKind;
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: ConvPadding;
  steps: number;
  lambda: number;
  trainLambda: boolean;
  eps: number;
  nonNegative: boolean;
  stepSize: 'auto' | number;
  stepSizeRule: StepSizeRule;
  stepSizeRefresh: number;
  normalizeAtoms: boolean;
  beta: number;
  trainBeta: boolean;
  detachWeights: boolean;
  recompute: boolean;
  kernelInitializer: KernelInitializerName | KernelInitializer;
}

const FORCED_BETA: Record<DictKind, number | undefined> = { vanilla: 1, robust: 0, elastic: undefined };

/**
 * The beta a kind fixes (vanilla 1, robust 0), or `undefined` for `'elastic'`, the only kind whose beta is a free
 * (and, with `trainBeta`, learnt) value in [0, 1].
 *
 * @example
 * fixedBetaOf('robust'); // 0
 */
export function fixedBetaOf(kind: DictKind): number | undefined {
  return FORCED_BETA[checkOneOf('kind', kind, DICT_KINDS)];
}

/**
 * Throws unless `beta` is a beta a layer of `kind` may hold: a finite number in [0, 1], equal to the fixed beta of
 * `'vanilla'` (1) and `'robust'` (0). Internal: the rule of {@link resolveDictConv2DOptions} and {@link setBeta}.
 */
export function checkBetaForKind(kind: DictKind, beta: unknown): number {
  const forced = fixedBetaOf(kind);
  const value = checkNumber('beta', beta, { min: 0, max: 1 });
  if (forced !== undefined && value !== forced) {
    throw new LayerError(
      'invalid-option',
      'beta',
      `beta: kind '${kind}' fixes beta = ${forced}, got ${value} (use kind 'elastic' for another beta)`,
    );
  }
  return value;
}

function pair(name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    checkPositiveInt(name, value);
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2) {
    return [checkPositiveInt(name, value[0]), checkPositiveInt(name, value[1])];
  }
  return invalidOption(name, 'an integer >= 1 or [h, w]', value);
}

/**
 * Validates a {@link DictConv2DOptions} and fills in the defaults. Throws an Error naming the bad option.
 *
 * @example
 * resolveDictConv2DOptions({ filters: 16, kind: 'robust' }).beta; // 0
 */
export function resolveDictConv2DOptions(config: DictConv2DOptions): ResolvedDictConv2DOptions {
  if (config === null || typeof config !== 'object')
    throw new LayerError('invalid-option', 'config', 'config: expected an options object');
  const kind = config.kind ?? 'elastic';
  const forced = fixedBetaOf(kind);
  const filters = checkPositiveInt('filters', config.filters);
  const kernelSize = pair('kernelSize', config.kernelSize ?? 3);
  const strides = pair('strides', config.strides ?? 1);
  const padding = config.padding ?? 'symmetric';
  resolvePadding(padding, kernelSize); // validates
  const steps = checkPositiveInt('steps', config.steps ?? 3);
  const lambda = checkNumber('lambda', config.lambda ?? 0.1, { min: 0 });
  const trainLambda = checkBoolean('trainLambda', config.trainLambda ?? false);
  const eps = checkNumber('eps', config.eps ?? 1e-3, { min: 0, exclusiveMin: true });
  const nonNegative = checkBoolean('nonNegative', config.nonNegative ?? true);
  const stepSize = config.stepSize ?? 'auto';
  if (stepSize !== 'auto') checkNumber('stepSize', stepSize, { min: 0, exclusiveMin: true });
  const stepSizeRule = checkOneOf('stepSizeRule', config.stepSizeRule ?? 'elastic', STEP_SIZE_RULES);
  const stepSizeRefresh = checkPositiveInt('stepSizeRefresh', config.stepSizeRefresh ?? 1);
  const normalizeAtoms = checkBoolean('normalizeAtoms', config.normalizeAtoms ?? true);
  const beta = checkBetaForKind(kind, config.beta ?? forced ?? 0.5);
  const trainBeta = checkBoolean('trainBeta', config.trainBeta ?? kind === 'elastic');
  if (trainBeta && kind !== 'elastic') {
    throw new LayerError(
      'invalid-option',
      'trainBeta',
      `trainBeta: kind '${kind}' has a fixed beta, so trainBeta must be false (use kind 'elastic')`,
    );
  }
  const detachWeights = checkBoolean('detachWeights', config.detachWeights ?? false);
  const recompute = checkBoolean('recompute', config.recompute ?? false);
  const kernelInitializer = config.kernelInitializer ?? 'heNormal';
  return {
    kind,
    filters,
    kernelSize,
    strides,
    padding,
    steps,
    lambda,
    trainLambda,
    eps,
    nonNegative,
    stepSize,
    stepSizeRule,
    stepSizeRefresh,
    normalizeAtoms,
    beta,
    trainBeta,
    detachWeights,
    recompute,
    kernelInitializer,
  };
}
