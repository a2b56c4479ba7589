import { elasticDictConv2d } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyWeightConstraints } from './weight-constraints.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('applyWeightConstraints (deprecated alias of @edl/layers applyConstraints)', () => {
  it('projects the weights an optimizer step left outside their constraints', () => {
    const model = tf.sequential({
      layers: [
        elasticDictConv2d({ inputShape: [4, 4, 1], filters: 2, name: 'd' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, kernelConstraint: tf.constraints.nonNeg(), name: 'fc' }),
      ],
    });
    for (const w of model.trainableWeights) {
      const variable = w.read() as tf.Variable;
      variable.assign(tf.sub(tf.mul(variable, 3), 2)); // what an unconstrained optimizer step may leave
    }
    applyWeightConstraints(model);
    const [kernel, beta] = model.getLayer('d').getWeights();
    const norms = tf.sqrt(tf.sum(tf.square(kernel!), [0, 1, 2])).dataSync();
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    expect(beta!.dataSync()[0]).toBe(0); // 0.5 * 3 - 2 < 0, clipped
    expect(Math.min(...model.getLayer('fc').getWeights()[0]!.dataSync())).toBeGreaterThanOrEqual(0);
  });
});
