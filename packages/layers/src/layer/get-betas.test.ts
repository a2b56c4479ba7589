import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
import { getBetas } from './get-betas.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('getBetas', () => {
  it('lists the beta of every dictionary layer in order, nested models included', () => {
    const inner = tf.sequential({
      layers: [robustDictConv2d({ inputShape: [4, 4, 4], filters: 2, name: 'r' })],
    });
    const model = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [4, 4, 1], filters: 4, name: 'v' }),
        tf.layers.activation({ activation: 'linear' }),
        inner,
        elasticDictConv2d({ filters: 2, beta: 0.25, name: 'e' }),
      ],
    });
    expect(getBetas(model)).toEqual([
      { layer: 'v', kind: 'vanilla', beta: 1 },
      { layer: 'r', kind: 'robust', beta: 0 },
      { layer: 'e', kind: 'elastic', beta: 0.25 },
    ]);
    const e = model.getLayer('e');
    (e.weights[1]!.read() as tf.Variable).assign(tf.scalar(1.4));
    expect(getBetas([e])[0]!.beta).toBe(1); // clamped like the forward pass
  });
});
