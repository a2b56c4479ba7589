import type * as tf from '@tensorflow/tfjs';
import type { LayerBuilder } from './layer-builder.ts';
import { residualJoin } from './residual-join.ts';

/** Channel expansion of the Bottleneck block (output channels = 4 x width). */
export const BOTTLENECK_EXPANSION = 4;

/**
 * A ResNet Bottleneck block named like PyTorch's `layerS.B`: 1x1 `conv1`/`bn1`, 3x3 `conv2`/`bn2` (carrying the
 * stride), 1x1 `conv3`/`bn3` to `4 * channels`, shortcut `shortcut.0`/`shortcut.1` when the shape changes, ReLU
 * after the sum. In dictionary kinds only the 3x3 conv is a `DictConv2D`; the ReLU after it is dropped (its
 * threshold is the nonlinearity) while the ReLU after the ordinary 1x1 `conv1` stays.
 */
export function bottleneckBlock(
  b: LayerBuilder,
  x: tf.SymbolicTensor,
  prefix: string,
  inChannels: number,
  channels: number,
  strides: 1 | 2,
): tf.SymbolicTensor {
  const outChannels = channels * BOTTLENECK_EXPANSION;
  let out = b.conv(x, { name: `${prefix}.conv1`, filters: channels, kernelSize: 1, strides: 1, dictionary: false });
  out = b.relu(b.batchNorm(out, `${prefix}.bn1`), `${prefix}.relu1`);
  out = b.conv(out, { name: `${prefix}.conv2`, filters: channels, kernelSize: 3, strides, dictionary: true });
  out = b.batchNorm(out, `${prefix}.bn2`);
  if (!b.isDictionary) out = b.relu(out, `${prefix}.relu2`);
  out = b.conv(out, { name: `${prefix}.conv3`, filters: outChannels, kernelSize: 1, strides: 1, dictionary: false });
  out = b.batchNorm(out, `${prefix}.bn3`);
  return residualJoin(b, x, out, prefix, inChannels, outChannels, strides);
}
