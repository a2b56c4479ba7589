import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DictConv2D } from './dict-conv2d.ts';
import { dictConv2d } from './dict-conv2d-factories.ts';
import { setBeta } from './set-beta.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const built = (kind: 'vanilla' | 'robust' | 'elastic') => {
  const layer = dictConv2d({ kind, filters: 2 });
  layer.apply(tf.zeros([1, 4, 4, 1]));
  return layer;
};

describe('setBeta', () => {
  it('sets the beta of an elastic layer, which the forward pass then uses', () => {
    const layer = built('elastic');
    const x = tf.randomNormal([1, 4, 4, 1], 0, 1, 'float32', 2);
    const before = layer.apply(x) as tf.Tensor;
    setBeta(layer, 0.2);
    expect(layer.weight('beta').read().dataSync()[0]).toBeCloseTo(0.2, 7);
    expect(layer.currentBeta()).toBeCloseTo(0.2, 7);
    const after = layer.apply(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(after, before))).dataSync()[0]).toBeGreaterThan(1e-5);
    setBeta(layer, 1);
    expect(layer.currentBeta()).toBe(1);
  });

  it('keeps the rules: beta in [0, 1], vanilla and robust fixed at 1 and 0, a built DictConv2D', () => {
    const elastic = built('elastic');
    expect(() => setBeta(elastic, 1.5)).toThrow(/beta must be a finite number >= 0 and <= 1, got 1.5/);
    expect(() => setBeta(elastic, Number.NaN)).toThrow(/beta must be a finite number/);
    expect(elastic.currentBeta()).toBe(0.5); // unchanged by the refused calls
    const vanilla = built('vanilla');
    expect(() => setBeta(vanilla, 0.5)).toThrow(/beta: kind 'vanilla' fixes beta = 1, got 0.5/);
    setBeta(vanilla, 1); // its own fixed value is accepted
    expect(() => setBeta(built('robust'), 1)).toThrow(/beta: kind 'robust' fixes beta = 0/);
    expect(() => setBeta(new DictConv2D({ filters: 2 }), 0.3)).toThrow(/build the layer first/);
    const dense = tf.layers.dense({ units: 1, name: 'fc' });
    expect(() => setBeta(dense as unknown as DictConv2D, 0.3)).toThrow(/layer: expected a DictConv2D, got layer 'fc'/);
  });
});
