import type * as tf from '@tensorflow/tfjs';
import type { LayerBuilder } from './layer-builder.ts';
import { residualJoin } from './residual-join.ts';

/**
 * A ResNet BasicBlock named like PyTorch's `layerS.B` (`conv1`, `bn1`, `conv2`, `bn2`, `shortcut.0`, `shortcut.1`).
 * Standard: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`. Dictionary kinds (SDNet `sdnet*_all`): both 3x3
 * convs are `DictConv2D` and there is no ReLU between them (the threshold is the nonlinearity); ReLU after the sum.
 * The shortcut is a 1x1 conv + BN when the shape changes, else the identity.
 */
export function basicBlock(
  b: LayerBuilder,
  x: tf.SymbolicTensor,
  prefix: string,
  inChannels: number,
  channels: number,
  strides: 1 | 2,
): tf.SymbolicTensor {
  let out = b.conv(x, { name: `${prefix}.conv1`, filters: channels, kernelSize: 3, strides, dictionary: true });
  out = b.batchNorm(out, `${prefix}.bn1`);
  if (!b.isDictionary) out = b.relu(out, `${prefix}.relu1`);
  out = b.conv(out, { name: `${prefix}.conv2`, filters: channels, kernelSize: 3, strides: 1, dictionary: true });
  out = b.batchNorm(out, `${prefix}.bn2`);
  return residualJoin(b, x, out, prefix, inChannels, channels, strides);
}
