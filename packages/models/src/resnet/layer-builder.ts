import { fusedBatchNormalization } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { dictConv } from './dict-conv.ts';
import type { ConvKind, DictionaryOptions } from './resnet-options.ts';

type Symbolic = tf.SymbolicTensor;

/** What a convolution in a ResNet needs. */
export interface ConvSpec {
  /** PyTorch module name, e.g. `layer1.0.conv1`. */
  name: string;
  filters: number;
  kernelSize: 1 | 3;
  strides: 1 | 2;
  /** Whether this conv becomes a `DictConv2D` in a dictionary-learning ResNet (the 3x3 convs do). */
  dictionary: boolean;
}

/**
 * Builds the named layers of one ResNet: convolutions with PyTorch padding, BatchNorm with PyTorch's settings,
 * ReLU, residual sums. Layer names are PyTorch module names, so weights have stable, meaningful names. Each
 * initialised layer takes the next seed (`seed`, `seed + 1`, ...) when a seed is given.
 */
export class LayerBuilder {
  private nextSeed: number | undefined;

  constructor(
    readonly kind: ConvKind,
    readonly dictionary: DictionaryOptions,
    seed: number | undefined,
    /** When given, only dictionary layers of these stages recompute (0 = stem `conv1`, s = `layer<s>.*`). */
    readonly recomputeStages?: readonly number[],
  ) {
    this.nextSeed = seed;
  }

  /** The dictionary options of the conv named `name` (its stage decides `recompute` when stages are given). */
  private dictionaryFor(name: string): DictionaryOptions {
    if (!this.recomputeStages) return this.dictionary;
    const stage = name === 'conv1' ? 0 : Number(/^layer(\d)\./.exec(name)?.[1] ?? Number.NaN);
    return { ...this.dictionary, recompute: this.recomputeStages.includes(stage) };
  }

  /** Whether the 3x3 convs are dictionary layers. */
  get isDictionary(): boolean {
    return this.kind !== 'standard';
  }

  private seed(): number | undefined {
    if (this.nextSeed === undefined) return undefined;
    return this.nextSeed++;
  }

  /**
   * A convolution without bias. Ordinary convs use PyTorch padding `(k - 1) / 2`: tfjs `'same'` at stride 1
   * (identical for odd kernels), an explicit ZeroPadding2D plus `'valid'` at stride 2, where tfjs `'same'` would
   * pad only bottom/right.
   */
  conv(x: Symbolic, spec: ConvSpec): Symbolic {
    if (spec.dictionary && this.isDictionary) {
      return dictConv(x, {
        name: spec.name,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        kind: this.kind as Exclude<ConvKind, 'standard'>,
        dictionary: this.dictionaryFor(spec.name),
        seed: this.seed(),
      });
    }
    const pad = (spec.kernelSize - 1) / 2;
    let input = x;
    let padding: 'same' | 'valid' = 'valid';
    if (pad > 0 && spec.strides === 1) padding = 'same';
    else if (pad > 0) {
      input = tf.layers.zeroPadding2d({ padding: pad, name: `${spec.name}.pad` }).apply(x) as Symbolic;
    }
    return tf.layers
      .conv2d({
        name: spec.name,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding,
        useBias: false,
        kernelInitializer: tf.initializers.heNormal({ seed: this.seed() }),
      })
      .apply(input) as Symbolic;
  }

  /**
   * BatchNorm over channels with PyTorch's defaults: epsilon 1e-5, momentum 0.1 (tfjs 0.9). Its training step
   * runs the fused kernels of `@edl/ops` where the backend has them (@edl/layers' `fusedBatchNormalization`).
   */
  batchNorm(x: Symbolic, name: string): Symbolic {
    return fusedBatchNormalization({ name, axis: -1, epsilon: 1e-5, momentum: 0.9 }).apply(x) as Symbolic;
  }

  /** ReLU. */
  relu(x: Symbolic, name: string): Symbolic {
    return tf.layers.reLU({ name }).apply(x) as Symbolic;
  }

  /** Residual sum. */
  add(a: Symbolic, b: Symbolic, name: string): Symbolic {
    return tf.layers.add({ name }).apply([a, b]) as Symbolic;
  }

  /** Global average pooling then the dense logits head (no softmax). */
  head(x: Symbolic, numClasses: number): Symbolic {
    const pooled = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as Symbolic;
    return tf.layers
      .dense({
        name: 'linear',
        units: numClasses,
        kernelInitializer: tf.initializers.glorotUniform({ seed: this.seed() }),
      })
      .apply(pooled) as Symbolic;
  }
}
