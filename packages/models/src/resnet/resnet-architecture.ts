import { isDictLayer } from '@edl/layers';
import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { BLOCKS, type ConvKind, type ResNetDepth, type ResNetOptions } from './resnet-options.ts';

/** The stage widths of {@link resnet} before `widthMultiplier`. */
const BASE_WIDTHS = [64, 128, 256, 512] as const;

/**
 * What {@link describeResNet} reads from a model built by {@link resnet}: everything needed to build the same
 * network again, in tfjs or in PyTorch (the `edl.model` entry of an exported safetensors file).
 */
export interface ResNetArchitecture {
  family: 'resnet';
  depth: ResNetDepth;
  /** `'basic'` (depth 10 / 18 / 34) or `'bottleneck'` (50, expansion 4). */
  block: 'basic' | 'bottleneck';
  /** Blocks per stage. */
  blocks: [number, number, number, number];
  /** Output channels of a block = `expansion * width`. */
  expansion: 1 | 4;
  /** Stage widths (the channels of each stage's 3x3 convs). */
  widths: [number, number, number, number];
  numClasses: number;
  /** Input `[H, W, C]`; tfjs takes NHWC, PyTorch NCHW. */
  inputShape: [number, number, number];
  /** Stride of the first block of stage 1 (stages 2-4 start with stride 2). */
  firstStageStride: 1 | 2;
  /** Kind of every 3x3 conv, stem included (1x1 convs are always ordinary convs). */
  conv: ConvKind;
  /** Stem: `conv1` (3x3, stride 1) -> `bn1` -> ReLU when `stemRelu`; no max-pool. */
  stemRelu: boolean;
  /**
   * For each conv of a block but the last (basic: conv1; bottleneck: conv1, conv2): whether a ReLU follows its
   * BatchNorm. Every block ends `relu(bn(conv_last(...)) + shortcut(x))`.
   */
  blockRelu: boolean[];
  /** Shortcut when a block changes shape: a 1x1 conv (carrying the stride) + BatchNorm; else the identity. */
  shortcut: 'conv1x1-bn';
  /** BatchNorm after every conv (stem, block convs, shortcut conv), PyTorch's conventions. */
  batchNorm: { epsilon: number; momentum: number };
  /** Global average pooling then `linear` (logits, no softmax). */
  head: 'avgpool-linear';
}

function has(model: tf.LayersModel, name: string): boolean {
  return model.layers.some((l) => l.name === name);
}

function layer(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  return model.layers.find((l) => l.name === name);
}

/** Kind of a conv layer: a `DictConv2D`'s kind, `'standard'` for `Conv2D`, undefined otherwise. */
export function convKindOf(l: tf.layers.Layer): ConvKind | undefined {
  if (isDictLayer(l)) return l.kind;
  return l.getClassName() === 'Conv2D' ? 'standard' : undefined;
}

/** Stride of a Conv2D or DictConv2D layer (square strides only; undefined otherwise). */
function strideOf(l: tf.layers.Layer): number | undefined {
  const strides = isDictLayer(l) ? l.options.strides : (l.getConfig().strides as number[] | undefined);
  return strides && strides[0] === strides[1] ? strides[0] : undefined;
}

/**
 * Reads the architecture of a ResNet built by {@link resnet} (or loaded from one) from its layers: names, classes
 * and configurations. Returns undefined for any other model (another layout, mixed conv kinds, unknown depth).
 *
 * @example
 * describeResNet(resnet({ depth: 10, conv: 'elastic', widthMultiplier: 1 / 16 }))?.widths; // [4, 8, 16, 32]
 */
export function describeResNet(model: tf.LayersModel): ResNetArchitecture | undefined {
  const stem = layer(model, 'conv1');
  const bn = layer(model, 'bn1');
  const linear = layer(model, 'linear');
  if (!stem || !bn || !linear || !has(model, 'avgpool') || linear.getClassName() !== 'Dense') return undefined;
  if (bn.getClassName() !== 'BatchNormalization') return undefined;
  const conv = convKindOf(stem);
  if (conv === undefined) return undefined;
  const bottleneck = has(model, 'layer1.0.conv3');
  const blocks = [1, 2, 3, 4].map((s) => {
    let count = 0;
    while (has(model, `layer${s}.${count}.conv1`)) count++;
    return count;
  }) as [number, number, number, number];
  const entry = (Object.entries(BLOCKS) as [string, number[]][]).find(
    ([depth, b]) => (Number(depth) === 50) === bottleneck && b.join() === blocks.join(),
  );
  if (!entry) return undefined;
  const depth = Number(entry[0]) as ResNetDepth;
  const threeByThree = bottleneck ? ['conv2'] : ['conv1', 'conv2'];
  for (const [s, count] of blocks.entries()) {
    for (let b = 0; b < count; b++) {
      for (const c of threeByThree) {
        const l = layer(model, `layer${s + 1}.${b}.${c}`);
        if (!l || convKindOf(l) !== conv) return undefined;
      }
    }
  }
  const widths = [1, 2, 3, 4].map((s) => layer(model, `layer${s}.0.conv1`)!.getConfig().filters) as [
    number,
    number,
    number,
    number,
  ];
  const strided = layer(model, bottleneck ? 'layer1.0.conv2' : 'layer1.0.conv1')!;
  const firstStageStride = strideOf(strided);
  if (firstStageStride !== 1 && firstStageStride !== 2) return undefined;
  const inputShape = model.inputs[0]?.shape.slice(1);
  if (inputShape?.length !== 3 || inputShape.some((d) => d == null)) return undefined;
  const bnConfig = bn.getConfig() as { epsilon: number; momentum: number };
  return {
    family: 'resnet',
    depth,
    block: bottleneck ? 'bottleneck' : 'basic',
    blocks,
    expansion: bottleneck ? 4 : 1,
    widths,
    numClasses: linear.getConfig().units as number,
    inputShape: inputShape as [number, number, number],
    firstStageStride,
    conv,
    stemRelu: has(model, 'relu'),
    blockRelu: (bottleneck ? ['relu1', 'relu2'] : ['relu1']).map((r) => has(model, `layer1.0.${r}`)),
    shortcut: 'conv1x1-bn',
    batchNorm: { epsilon: bnConfig.epsilon, momentum: Math.round((1 - bnConfig.momentum) * 1e6) / 1e6 },
    head: 'avgpool-linear',
  };
}

/**
 * A `widthMultiplier` for which {@link resnet} gives these stage widths (`max(1, round(base * m))` for bases
 * 64 / 128 / 256 / 512); throws when there is none.
 */
export function widthMultiplierFor(widths: readonly number[]): number {
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  for (const [i, w] of widths.entries()) {
    const base = BASE_WIDTHS[i]!;
    low = Math.max(low, w === 1 ? 0 : (w - 0.5) / base);
    high = Math.min(high, (w + 0.5) / base);
  }
  const candidates = [widths[0]! / BASE_WIDTHS[0], (low + high) / 2];
  const fits = (m: number) => BASE_WIDTHS.every((b, i) => Math.max(1, Math.round(b * m)) === widths[i]);
  const m = candidates.find((c) => c > 0 && Number.isFinite(c) && fits(c));
  if (m === undefined) {
    throw new ModelError(
      'invalid-input',
      'widths',
      `widths [${widths.join(', ')}]: no widthMultiplier of resnet() gives these stage widths`,
    );
  }
  return m;
}

/** The {@link ResNetOptions} that build a network of this architecture (dictionary options not included). */
export function resnetOptionsOf(arch: ResNetArchitecture): ResNetOptions {
  return {
    depth: arch.depth,
    conv: arch.conv,
    numClasses: arch.numClasses,
    inputShape: [...arch.inputShape],
    widthMultiplier: widthMultiplierFor(arch.widths),
    firstStageStride: arch.firstStageStride,
  };
}
