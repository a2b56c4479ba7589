import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embeddingDifference } from './embedding-difference.ts';
import { resnet } from './resnet.ts';

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };
let x: tf.Tensor4D;
let xAdv: tf.Tensor4D;
beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 1);
  xAdv = tf.add(x, tf.randomUniform([3, 8, 8, 3], -0.03, 0.03, 'float32', 2));
});

describe('embeddingDifference', () => {
  it('is zero for identical inputs and positive for perturbed ones, on every conv layer of a standard ResNet', async () => {
    const model = resnet({ ...small, seed: 1 });
    const same = await embeddingDifference(model, x, x.clone());
    expect(same.map((d) => d.layer)).toEqual([
      'input',
      ...model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.name),
    ]);
    for (const d of same) {
      expect(d.difference).toBe(0);
      expect(d.perSample).toEqual([0, 0, 0]);
    }
    const diff = await embeddingDifference(model, x, xAdv);
    for (const d of diff) {
      expect(d.difference).toBeGreaterThan(0);
      expect(Number.isFinite(d.difference)).toBe(true);
    }
  });

  it('reports ||x_adv - x|| / ||x|| for the input, per sample and over the batch', async () => {
    const model = resnet({ ...small, seed: 1 });
    const [input] = await embeddingDifference(model, x, xAdv);
    const a = x.arraySync().map((s) => s.flat(2));
    const b = xAdv.arraySync().map((s) => s.flat(2));
    const sq = (v: number[]) => v.reduce((s, e) => s + e * e, 0);
    const num = a.map((s, i) => sq(s.map((e, j) => b[i]![j]! - e)));
    const den = a.map(sq);
    for (const [i, n] of num.entries()) expect(input!.perSample[i]).toBeCloseTo(Math.sqrt(n / den[i]!), 5);
    const total = Math.sqrt(num.reduce((s, e) => s + e, 0) / den.reduce((s, e) => s + e, 0));
    expect(input!.difference).toBeCloseTo(total, 5);
  });

  it('defaults to the DictConv2D layers of a DL model, accepts explicit layers, and leaks nothing', async () => {
    const model = resnet({ ...small, conv: 'elastic', lambda: 0.01, seed: 2 });
    const diff = await embeddingDifference(model, x, xAdv);
    expect(diff.slice(1).map((d) => d.layer)).toEqual(
      model.layers.filter((l) => l.getClassName() === 'DictConv2D').map((l) => l.name),
    );
    const chosen = await embeddingDifference(model, x, xAdv, { layers: ['layer2.0.bn2', 'linear'] });
    expect(chosen.map((d) => d.layer)).toEqual(['input', 'layer2.0.bn2', 'linear']);
    expect(chosen[2]!.difference).toBeGreaterThan(0);
    await embeddingDifference(model, x, xAdv);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await embeddingDifference(model, x, xAdv);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched inputs and unknown layers', async () => {
    const model = resnet({ ...small, seed: 1 });
    await expect(embeddingDifference(model, x, tf.zeros([2, 8, 8, 3]))).rejects.toThrow(/xAdv/);
    await expect(embeddingDifference(model, x, xAdv, { layers: [] })).rejects.toThrow(/layers/);
    await expect(embeddingDifference(model, x, xAdv, { layers: ['nope'] })).rejects.toThrow(/nope/);
  });
});
