import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet } from './resnet.ts';
import type { ConvKind, ResNetDepth } from './resnet-options.ts';

const trainableCount = (m: tf.LayersModel) => m.trainableWeights.reduce((s, w) => s + w.read().size, 0);
const inboundOf = (m: tf.LayersModel, name: string) =>
  (m.getLayer(name).inboundNodes[0]!.inboundLayers as tf.layers.Layer[]).map((l) => l.name);
const small = { widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number], seed: 7 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('resnet parameter counts (PyTorch counting, BN moving statistics excluded)', () => {
  it('standard CIFAR ResNet18 has 11,173,962 trainable parameters and 9,600 BN statistics', () => {
    const m = resnet({ depth: 18, numClasses: 10 });
    expect(trainableCount(m)).toBe(11_173_962);
    expect(m.countParams() - trainableCount(m)).toBe(9_600);
    m.dispose();
  });

  it('ResNet34 and ResNet50 match the PyTorch CIFAR counts (21,282,122 and 23,520,842)', () => {
    for (const [depth, count] of [
      [34, 21_282_122],
      [50, 23_520_842],
    ] as const) {
      const m = resnet({ depth });
      expect(trainableCount(m)).toBe(count);
      m.dispose();
    }
  });

  it('ResNet10 matches a count written out by hand', () => {
    // stem conv + bn, then per stage: conv1 + bn1 + conv2 + bn2 (+ 1x1 shortcut + bn), head
    const conv = (i: number, o: number, k: number) => i * o * k * k;
    let expected = conv(3, 64, 3) + 2 * 64;
    let cin = 64;
    for (const w of [64, 128, 256, 512]) {
      expected += conv(cin, w, 3) + 2 * w + conv(w, w, 3) + 2 * w;
      if (cin !== w) expected += conv(cin, w, 1) + 2 * w;
      cin = w;
    }
    expected += 512 * 10 + 10;
    const m = resnet({ depth: 10 });
    expect(trainableCount(m)).toBe(expected);
    m.dispose();
  });
});

describe('resnet structure', () => {
  const depths: ResNetDepth[] = [10, 18, 34, 50];
  const kinds: ConvKind[] = ['standard', 'vanilla', 'robust', 'elastic'];
  const dictCount: Record<ResNetDepth, number> = { 10: 9, 18: 17, 34: 33, 50: 17 };

  for (const depth of depths) {
    for (const conv of kinds) {
      it(`builds depth ${depth} ${conv}: logits shape, DictConv2D count, names`, () => {
        const m = resnet({ depth, conv, numClasses: 7, ...small, inputShape: [16, 16, 3] });
        expect(m.outputs[0]!.shape).toEqual([null, 7]);
        const dict = m.layers.filter((l) => l.getClassName() === 'DictConv2D').length;
        expect(dict).toBe(conv === 'standard' ? 0 : dictCount[depth]);
        expect(m.layers.some((l) => l.getClassName() === 'MaxPooling2D')).toBe(false);
        expect(m.getLayer('conv1').getClassName()).toBe(conv === 'standard' ? 'Conv2D' : 'DictConv2D');
        expect(m.getLayer('layer2.0.shortcut.0').getClassName()).toBe('Conv2D');
        expect(m.getLayer('layer4.0.shortcut.1').getClassName()).toBe('BatchNormalization');
        expect(m.getLayer('linear').getClassName()).toBe('Dense');
        if (depth === 50) expect(m.getLayer('layer1.0.conv3').getClassName()).toBe('Conv2D');
        m.dispose();
      });
    }
  }

  it('runs a forward pass for depth 10 of every kind', () => {
    for (const conv of kinds) {
      const m = resnet({ depth: 10, conv, numClasses: 5, ...small });
      const y = m.predict(tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1)) as tf.Tensor;
      expect(y.shape).toEqual([2, 5]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      y.dispose();
      m.dispose();
    }
  });

  it('has no ReLU between the two convs of a DL block (SDNet sdnet*_all), one in the standard block', () => {
    const std = resnet({ depth: 10, ...small });
    const dl = resnet({ depth: 10, conv: 'vanilla', ...small });
    expect(inboundOf(std, 'layer1.0.conv2')).toEqual(['layer1.0.relu1']);
    expect(inboundOf(dl, 'layer1.0.conv2')).toEqual(['layer1.0.bn1']);
    expect(inboundOf(std, 'layer1.0.conv1')).toEqual(['relu']);
    expect(inboundOf(dl, 'layer1.0.conv1')).toEqual(['bn1']);
    for (const m of [std, dl]) {
      expect(inboundOf(m, 'layer1.0.relu')).toEqual(['layer1.0.add']);
      expect(inboundOf(m, 'layer2.0.add')).toEqual(['layer2.0.bn2', 'layer2.0.shortcut.1']);
    }
    expect(std.getLayer('bn1').getConfig()).toMatchObject({ epsilon: 1e-5, momentum: 0.9 });
    std.dispose();
    dl.dispose();
  });

  it('pads stride-2 convs symmetrically like PyTorch, not like tfjs same', () => {
    const m = resnet({ depth: 10, ...small });
    const conv = m.getLayer('layer2.0.conv1');
    const pad = m.getLayer('layer2.0.conv1.pad');
    const probe = tf.model({
      inputs: m.inputs,
      outputs: [pad.input as tf.SymbolicTensor, conv.output as tf.SymbolicTensor],
    });
    const [input, output] = probe.predict(tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 2)) as tf.Tensor4D[];
    const kernel = conv.getWeights()[0] as tf.Tensor4D;
    const pytorch = tf.conv2d(input!, kernel, 2, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const same = tf.conv2d(input!, kernel, 2, 'same');
    expect(output!.shape).toEqual([1, 4, 4, 8]);
    expect(tf.max(tf.abs(tf.sub(output!, pytorch))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(output!, same))).dataSync()[0]).toBeGreaterThan(1e-3);
    m.dispose();
  });

  it('fits 28x28x1 (MNIST) and 64x64x3 (Tiny-ImageNet) to a 4x4 final map', () => {
    for (const inputShape of [
      [28, 28, 1],
      [64, 64, 3],
    ] as [number, number, number][]) {
      const m = resnet({ depth: 10, widthMultiplier: 1 / 16, inputShape, numClasses: 200 });
      expect(m.getLayer('layer4.0.relu').outputShape).toEqual([null, 4, 4, 32]);
      const y = m.predict(tf.zeros([1, ...inputShape])) as tf.Tensor;
      expect(y.shape).toEqual([1, 200]);
      y.dispose();
      m.dispose();
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const kernel = (seed: number) => {
      const m = resnet({ depth: 10, conv: 'elastic', ...small, seed });
      const values = [m.getLayer('layer3.0.conv2'), m.getLayer('linear')].map((l) =>
        Array.from(l.getWeights()[0]!.dataSync()),
      );
      m.dispose();
      return values;
    };
    expect(kernel(3)).toEqual(kernel(3));
    expect(kernel(3)[0]).not.toEqual(kernel(4)[0]);
  });

  it('rejects bad options, naming the option', () => {
    expect(() => resnet({ depth: 20 as ResNetDepth })).toThrow(/depth/);
    expect(() => resnet({ depth: 10, conv: 'fancy' as ConvKind })).toThrow(/conv/);
    expect(() => resnet({ depth: 10, numClasses: 0 })).toThrow(/numClasses/);
    expect(() => resnet({ depth: 10, widthMultiplier: -1 })).toThrow(/widthMultiplier/);
    expect(() => resnet({ depth: 10, inputShape: [32, 32] as unknown as [number, number, number] })).toThrow(
      /inputShape/,
    );
    expect(() => resnet({ depth: 10, conv: 'vanilla', ...small, steps: 0 })).toThrow(/steps/);
    expect(() => resnet({ depth: 10, conv: 'vanilla', ...small, recomputeStages: [5] })).toThrow(
      /recomputeStages must be an array of stage indices 0-4/,
    );
    expect(() => resnet({ depth: 10, conv: 'vanilla', ...small, recomputeStages: [1], recompute: true })).toThrow(
      /recomputeStages: cannot be combined with recompute/,
    );
  });

  it('recomputeStages checkpoints the dictionary layers of the given stages only', () => {
    const m = resnet({ depth: 10, conv: 'elastic', ...small, recomputeStages: [0, 1] });
    const flags = Object.fromEntries(
      m.layers
        .filter((l) => l.getClassName() === 'DictConv2D')
        .map((l) => [l.name, (l.getConfig() as { recompute: boolean }).recompute]),
    );
    expect(flags).toEqual({
      conv1: true,
      'layer1.0.conv1': true,
      'layer1.0.conv2': true,
      'layer2.0.conv1': false,
      'layer2.0.conv2': false,
      'layer3.0.conv1': false,
      'layer3.0.conv2': false,
      'layer4.0.conv1': false,
      'layer4.0.conv2': false,
    });
    m.dispose();
  });

  it('trains: an SGD loop on an elastic ResNet10 keeps the tensor count flat and moves beta', () => {
    const m = resnet({ depth: 10, conv: 'elastic', numClasses: 3, ...small, lambda: 0.01 });
    const opt = tf.train.sgd(0.1);
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const beta0 = m.getLayer('layer4.0.conv2').getWeights()[1]!.dataSync()[0];
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor),
        );
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        opt.applyGradients(grads);
      });
      counts.push(tf.memory().numTensors);
    }
    expect(counts[3]).toBe(counts[1]);
    expect(m.getLayer('layer4.0.conv2').getWeights()[1]!.dataSync()[0]).not.toBe(beta0);
    opt.dispose();
    m.dispose();
  });
});
