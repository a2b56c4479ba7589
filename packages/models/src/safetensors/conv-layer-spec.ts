import { isDictLayer, type StepSizeRule } from '@edl/layers';
import { resolvePadding } from '@edl/ops';
import type * as tf from '@tensorflow/tfjs';
import { convKindOf } from '../resnet/resnet-architecture.ts';
import type { ConvKind } from '../resnet/resnet-options.ts';

/**
 * The hyperparameters of one `DictConv2D` layer that an exported file records (`edl.layers.<name>.dictionary`).
 * The learnt values themselves (`beta`, `lambda`, `step_size`) are tensors of the file.
 */
export interface DictionarySpec {
  /** Unrolled RISTA steps `T`: `z0 = T(t0 A x)` and `T - 1` corrections. */
  steps: number;
  /** `eps` of the reweighting `w = 1 / (2 (|r| + eps))`. */
  eps: number;
  /** `'one-sided'`: `max(v - lambda t, 0)` (`nonNegative: true`); `'two-sided'`: the soft threshold. */
  threshold: 'one-sided' | 'two-sided';
  /** Whether the `beta` tensor is trained (elastic only; vanilla uses 1 and robust 0 whatever the tensor holds). */
  betaTrainable: boolean;
  /** Whether the `lambda` tensor is trained (the forward pass uses `relu(lambda)`). */
  lambdaTrainable: boolean;
  /** `'auto'`: `step_size = 0.9 / L` refreshed during training; a number: fixed (the `step_size` tensor holds it). */
  stepSize: 'auto' | number;
  /**
   * How the forward pass steps, from the `step_size` tensor `t0` (schema 2; schema 1 files read as `'lipschitz'`):
   * the encoder pass `z0` steps `t0` either way; the corrections step `t0 / (beta + (1 - beta) / (2 eps))` with
   * `'elastic'` (the step of guaranteed descent, `@edl/layers`' default), `t0` with `'lipschitz'` (SDNet's).
   */
  stepSizeRule: StepSizeRule;
  /** With `'auto'`, training calls between refreshes of `t`. */
  stepSizeRefresh: number;
  /** Whether atoms (output channels of `weight`) are projected to unit l2 norm before every training call. */
  normalizeAtoms: boolean;
  /** Whether the gradient through `w` is stopped (changes gradients only, not values). */
  detachWeights: boolean;
}

/** One conv layer of an exported model (`edl.layers.<name>`). */
export interface ConvLayerSpec {
  /** `'standard'` for an ordinary conv, else the `DictConv2D` kind. */
  kind: ConvKind;
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  stride: [number, number];
  /**
   * Zero padding `[ph, pw]` on both sides of each axis (PyTorch's `padding=(ph, pw)`), for `A` and `A*` alike; a
   * string for a padding PyTorch's conv cannot express (`'tf-same'`: tfjs `'same'` at a stride above 1, which pads
   * bottom/right only; or an explicit asymmetric padding as JSON).
   */
  padding: [number, number] | string;
  bias: boolean;
  /** Present for the dictionary kinds. */
  dictionary?: DictionarySpec;
}

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

function symmetricOrString(pad: Explicit): [number, number] | string {
  const [, [t, b], [l, r]] = pad;
  return t === b && l === r ? [t, l] : JSON.stringify(pad);
}

/** PyTorch-style padding of a tfjs `'same'` / `'valid'` conv (`'same'` is symmetric only at stride 1, odd kernels). */
function tfPadding(padding: string, kernel: [number, number], stride: [number, number]): [number, number] | string {
  if (padding === 'valid') return [0, 0];
  const symmetric = stride.every((s) => s === 1) && kernel.every((k) => k % 2 === 1);
  return symmetric ? [(kernel[0] - 1) / 2, (kernel[1] - 1) / 2] : 'tf-same';
}

/** The layer feeding `l` (its first inbound node), if any. */
function inboundLayer(l: tf.layers.Layer): tf.layers.Layer | undefined {
  return l.inboundNodes[0]?.inboundLayers[0];
}

/**
 * The {@link ConvLayerSpec} of a Conv2D or DictConv2D layer, read from its configuration and weights; undefined for
 * other layers. A Conv2D with `'valid'` padding fed by a ZeroPadding2D (how {@link resnet} pads stride-2 convs the
 * PyTorch way) records that padding.
 */
export function convLayerSpec(l: tf.layers.Layer): ConvLayerSpec | undefined {
  const kind = convKindOf(l);
  if (kind === undefined || l.weights.length === 0) return undefined;
  const [kh, kw, inChannels, outChannels] = l.weights[0]!.shape as number[];
  const kernelSize: [number, number] = [kh!, kw!];
  if (isDictLayer(l)) {
    const o = l.options;
    const resolved = resolvePadding(o.padding, o.kernelSize);
    return {
      kind,
      inChannels: inChannels!,
      outChannels: outChannels!,
      kernelSize,
      stride: [...o.strides],
      padding: typeof resolved === 'string' ? tfPadding(resolved, kernelSize, o.strides) : symmetricOrString(resolved),
      bias: false,
      dictionary: {
        steps: o.steps,
        eps: o.eps,
        threshold: o.nonNegative ? 'one-sided' : 'two-sided',
        betaTrainable: o.trainBeta,
        lambdaTrainable: o.trainLambda,
        stepSize: o.stepSize,
        stepSizeRule: o.stepSizeRule,
        stepSizeRefresh: o.stepSizeRefresh,
        normalizeAtoms: o.normalizeAtoms,
        detachWeights: o.detachWeights,
      },
    };
  }
  const config = l.getConfig() as { strides: [number, number]; padding: string; useBias: boolean };
  const stride: [number, number] = [config.strides[0], config.strides[1]];
  let padding = tfPadding(config.padding, kernelSize, stride);
  const before = inboundLayer(l);
  if (config.padding === 'valid' && before?.getClassName() === 'ZeroPadding2D') {
    const [[t, b], [left, r]] = before.getConfig().padding as [[number, number], [number, number]];
    padding = symmetricOrString([
      [0, 0],
      [t, b],
      [left, r],
      [0, 0],
    ]);
  }
  return {
    kind,
    inChannels: inChannels!,
    outChannels: outChannels!,
    kernelSize,
    stride,
    padding,
    bias: config.useBias,
  };
}
