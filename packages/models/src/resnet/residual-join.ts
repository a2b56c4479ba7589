import type * as tf from '@tensorflow/tfjs';
import type { LayerBuilder } from './layer-builder.ts';

/**
 * Ends a ResNet block the PyTorch way: adds the shortcut to the main path `out` and applies the final ReLU
 * (`relu(out + shortcut(x))`, layers `${prefix}.add` and `${prefix}.relu`). The shortcut is the identity when the
 * block keeps the shape (`strides === 1` and `inChannels === outChannels`), else a 1x1 conv (`shortcut.0`, carrying
 * the stride) followed by BatchNorm (`shortcut.1`). Shared by `basicBlock` and `bottleneckBlock`.
 */
export function residualJoin(
  b: LayerBuilder,
  x: tf.SymbolicTensor,
  out: tf.SymbolicTensor,
  prefix: string,
  inChannels: number,
  outChannels: number,
  strides: 1 | 2,
): tf.SymbolicTensor {
  let shortcut = x;
  if (strides !== 1 || inChannels !== outChannels) {
    shortcut = b.conv(x, {
      name: `${prefix}.shortcut.0`,
      filters: outChannels,
      kernelSize: 1,
      strides,
      dictionary: false,
    });
    shortcut = b.batchNorm(shortcut, `${prefix}.shortcut.1`);
  }
  return b.relu(b.add(out, shortcut, `${prefix}.add`), `${prefix}.relu`);
}
