import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DictConv2D } from './dict-conv2d.ts';
import type { DictConv2DOptions } from './dict-conv2d-config.ts';
import { vanillaDictConv2d } from './dict-conv2d-factories.ts';
import { withKind } from './with-kind.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('withKind', () => {
  it('switches kind, resets beta / trainBeta to the new defaults, keeps the rest', () => {
    const base: DictConv2DOptions = { kind: 'vanilla', filters: 4, steps: 2, lambda: 0.3, beta: 1 };
    const elastic = withKind(base, 'elastic');
    expect(elastic).toEqual({ kind: 'elastic', filters: 4, steps: 2, lambda: 0.3 });
    expect(new DictConv2D(elastic).options).toMatchObject({ beta: 0.5, trainBeta: true, steps: 2, lambda: 0.3 });
    expect(withKind(base, 'elastic', { beta: 0.9, trainBeta: false })).toMatchObject({ beta: 0.9, trainBeta: false });
    expect(new DictConv2D(withKind({ ...elastic, beta: 0.3 }, 'robust')).options.beta).toBe(0);
    expect(base.kind).toBe('vanilla'); // not mutated
  });

  it('turns a trained vanilla model into an elastic one with the same function and a trainable beta', () => {
    const make = (config: DictConv2DOptions & { name?: string }) =>
      tf.sequential({
        layers: [
          new DictConv2D({ ...config, inputShape: [6, 6, 2] }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3 }),
        ],
      });
    const vanilla = make({
      ...vanillaDictConv2d({ filters: 4, strides: 2 }).options,
      name: 'dict',
    } as DictConv2DOptions);
    const layer = vanilla.getLayer('dict') as DictConv2D;
    const elastic = make(withKind(layer.getConfig() as unknown as DictConv2DOptions, 'elastic'));
    vanilla.layers.forEach((l, i) => {
      elastic.layers[i]!.setWeights(l.getWeights());
    });
    const x = tf.randomNormal([2, 6, 6, 2]);
    const a = vanilla.predict(x) as tf.Tensor;
    const b = elastic.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5); // beta = 1 copied: same function
    const switched = elastic.layers[0] as DictConv2D;
    expect(switched.kind).toBe('elastic');
    expect(switched.trainableWeights.map((w) => w.name.split('/')[1]!.replace(/_\d+$/, ''))).toEqual([
      'kernel',
      'beta',
    ]);
    // lowering beta changes the function
    switched.setWeights([...switched.getWeights().slice(0, 1), tf.scalar(0.2), ...switched.getWeights().slice(2)]);
    const c = elastic.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-4);
  });
});
