import * as tf from '@tensorflow/tfjs';
import { basicBlock } from './basic-block.ts';
import { BOTTLENECK_EXPANSION, bottleneckBlock } from './bottleneck-block.ts';
import { LayerBuilder } from './layer-builder.ts';
import { type ResNetOptions, resolveResNetOptions } from './resnet-options.ts';

/**
 * Builds a CIFAR-style ResNet (He et al. 2016; the layout of kuangliu/pytorch-cifar and SDNet) as a functional
 * tfjs `LayersModel` whose layer names are PyTorch module names (`conv1`, `bn1`, `layer1.0.conv1`, ...,
 * `linear`). Stem: 3x3 conv stride 1 + BN (+ ReLU for standard), no max-pool. Four stages of widths
 * 64/128/256/512 x `widthMultiplier`, BasicBlock [1,1,1,1] / [2,2,2,2] / [3,4,6,3] for depth 10 / 18 / 34,
 * Bottleneck [3,4,6,3] for 50; stages 2-4 have stride 2, stage 1 has `firstStageStride`. Global average pooling
 * and a dense head give logits (no softmax). With `conv` `'vanilla' | 'robust' | 'elastic'` every 3x3 conv is a
 * `DictConv2D` of that kind (SDNet `sdnet*_all`), the 1x1 shortcuts stay ordinary convs. Inputs are NHWC.
 *
 * @example
 * const model = resnet({ depth: 18, conv: 'elastic', numClasses: 10, steps: 3, seed: 1 });
 * const logits = model.predict(tf.zeros([1, 32, 32, 3])) as tf.Tensor;
 */
export function resnet(options: ResNetOptions): tf.LayersModel {
  const o = resolveResNetOptions(options);
  const b = new LayerBuilder(o.conv, o.dictionary, o.seed, o.recomputeStages);
  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = b.conv(input, { name: 'conv1', filters: o.widths[0], kernelSize: 3, strides: 1, dictionary: true });
  x = b.batchNorm(x, 'bn1');
  if (!b.isDictionary) x = b.relu(x, 'relu');
  const block = o.bottleneck ? bottleneckBlock : basicBlock;
  const expansion = o.bottleneck ? BOTTLENECK_EXPANSION : 1;
  let channels = o.widths[0];
  o.blocks.forEach((count, stage) => {
    const width = o.widths[stage]!;
    for (let i = 0; i < count; i++) {
      const strides = i > 0 ? 1 : stage === 0 ? o.firstStageStride : 2;
      x = block(b, x, `layer${stage + 1}.${i}`, channels, width, strides);
      channels = width * expansion;
    }
  });
  const logits = b.head(x, o.numClasses);
  return tf.model({ inputs: input, outputs: logits, name: o.name });
}
