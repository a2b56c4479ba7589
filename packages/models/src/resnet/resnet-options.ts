import { type DictLayerForwardedOptions, pickDictLayerOptions } from '@edl/layers';
import { checkNumber, checkOneOf, checkPositive, checkPositiveInt, invalidOption } from '../core/checkers.ts';
import { ModelError } from '../core/model-error.ts';

/** Depths of the ResNets {@link resnet} builds. */
export type ResNetDepth = 10 | 18 | 34 | 50;

/**
 * Convolution kind of the 3x3 convolutions: `'standard'` ordinary convs with ReLU; the three dictionary-learning
 * kinds make every 3x3 conv (stem included) a `DictConv2D` of that kind.
 */
export type ConvKind = 'standard' | 'vanilla' | 'robust' | 'elastic';

/**
 * Options passed to every `DictConv2D` layer of a dictionary-learning ResNet (ignored for `conv: 'standard'`): @edl/layers'
 * `DictLayerForwardedOptions` (see `DictConv2DOptions` for their meaning and defaults). `beta` / `trainBeta` only
 * apply to the elastic kind (vanilla fixes beta = 1, robust beta = 0).
 */
export type DictionaryOptions = DictLayerForwardedOptions;

/** Options of {@link resnet}. */
export interface ResNetOptions extends DictionaryOptions {
  /** 10 / 18 / 34 (BasicBlock) or 50 (Bottleneck). */
  depth: ResNetDepth;
  /** Kind of the 3x3 convolutions (default `'standard'`). */
  conv?: ConvKind;
  /** Number of classes of the dense head (default 10). */
  numClasses?: number;
  /** Input shape `[H, W, C]` without batch (default `[32, 32, 3]`). */
  inputShape?: [number, number, number];
  /** Multiplies the stage widths 64/128/256/512 (default 1); widths are rounded, at least 1. */
  widthMultiplier?: number;
  /**
   * Stride of the first stage. Default: 2 when the smaller input side is at least 64 (Tiny-ImageNet: 64 -> 32 -> 16
   * -> 8 -> 4, the CIFAR feature-map sizes), otherwise 1 (CIFAR 32x32, MNIST 28x28).
   */
  firstStageStride?: 1 | 2;
  /** Seed of every initializer (layer i uses `seed + i`); unseeded when absent. */
  seed?: number;
  /**
   * Gradient checkpointing for the dictionary layers of these stages only (0 = the stem conv, 1-4 = the residual
   * stages), instead of all of them (`recompute: true`). Stage 1 and the stem work on the largest feature maps, so
   * `[0, 1]` keeps most of the memory saving of `recompute: true` (ResNet18: about half the activations) for a
   * quarter of its extra time. Cannot be combined with `recompute`.
   */
  recomputeStages?: number[];
  /** Model name (default `resnet<depth>-<conv>`). */
  name?: string;
}

/** {@link ResNetOptions} with defaults applied and checked. */
export interface ResolvedResNetOptions {
  depth: ResNetDepth;
  conv: ConvKind;
  numClasses: number;
  inputShape: [number, number, number];
  widths: [number, number, number, number];
  blocks: [number, number, number, number];
  bottleneck: boolean;
  firstStageStride: 1 | 2;
  seed: number | undefined;
  name: string;
  dictionary: DictionaryOptions;
  /** Stages whose dictionary layers recompute, when given (see {@link ResNetOptions.recomputeStages}). */
  recomputeStages: number[] | undefined;
}

/** Blocks per stage of each depth. */
export const BLOCKS: Record<ResNetDepth, [number, number, number, number]> = {
  10: [1, 1, 1, 1],
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 6, 3],
};

const KINDS: readonly ConvKind[] = ['standard', 'vanilla', 'robust', 'elastic'];

/** Applies the defaults of {@link ResNetOptions} and validates every field. */
export function resolveResNetOptions(options: ResNetOptions): ResolvedResNetOptions {
  if (options === null || typeof options !== 'object')
    throw new ModelError('invalid-option', 'options', 'resnet: expected an options object');
  const { depth } = options;
  checkOneOf('depth', depth, [10, 18, 34, 50]);
  const conv = options.conv ?? 'standard';
  checkOneOf('conv', conv, KINDS);
  const numClasses = checkPositiveInt('numClasses', options.numClasses ?? 10);
  const inputShape = options.inputShape ?? [32, 32, 3];
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new ModelError(
      'invalid-option',
      'inputShape',
      `inputShape: expected [height, width, channels], got ${JSON.stringify(inputShape)}`,
    );
  }
  for (const [i, v] of inputShape.entries()) checkPositiveInt(`inputShape[${i}]`, v);
  const m = options.widthMultiplier ?? 1;
  checkPositive('widthMultiplier', m);
  const widths = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * m))) as [number, number, number, number];
  const firstStageStride = options.firstStageStride ?? (Math.min(inputShape[0], inputShape[1]) >= 64 ? 2 : 1);
  checkOneOf('firstStageStride', firstStageStride, [1, 2]);
  if (options.seed !== undefined) checkNumber('seed', options.seed);
  const stages = options.recomputeStages;
  if (stages !== undefined) {
    if (!Array.isArray(stages) || stages.some((s) => !Number.isInteger(s) || s < 0 || s > 4)) {
      invalidOption('recomputeStages', 'an array of stage indices 0-4', stages);
    }
    if (options.recompute !== undefined) {
      throw new ModelError(
        'invalid-option',
        'recomputeStages',
        'recomputeStages: cannot be combined with recompute; give one of them',
      );
    }
  }
  const dictionary = pickDictLayerOptions(options);
  return {
    depth,
    conv,
    numClasses,
    inputShape,
    widths,
    blocks: BLOCKS[depth],
    bottleneck: depth === 50,
    firstStageStride,
    seed: options.seed,
    name: options.name ?? `resnet${depth}-${conv}`,
    dictionary,
    recomputeStages: stages ? [...stages] : undefined,
  };
}
