import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
import { isDictLayer, isDictLayerConfig } from './is-dict-layer.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('isDictLayer / isDictLayerConfig', () => {
  it('picks the dictionary layers of a model, of every kind, and their config entries', () => {
    const model = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [4, 4, 1], filters: 2, name: 'v' }),
        tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c' }),
        robustDictConv2d({ filters: 2, name: 'r' }),
        elasticDictConv2d({ filters: 2, name: 'e' }),
        tf.layers.flatten({ name: 'f' }),
      ],
    });
    expect(model.layers.filter(isDictLayer).map((l) => l.name)).toEqual(['v', 'r', 'e']);
    const entries = (model.getConfig() as unknown as { layers: { config: { name: string } }[] }).layers;
    expect(entries.filter(isDictLayerConfig).map((e) => e.config.name)).toEqual(['v', 'r', 'e']);
    for (const other of [null, undefined, 'DictConv2D', {}, { className: 'Conv2D' }, tf.layers.dense({ units: 1 })]) {
      expect(isDictLayer(other)).toBe(false);
      expect(isDictLayerConfig(other)).toBe(false);
    }
  });
});
