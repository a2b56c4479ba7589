import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elasticDictConv2d } from '../layer/dict-conv2d-factories.ts';
import { applyConstraints } from './apply-constraints.ts';
import { constraintsCallback } from './constraints-callback.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('applyConstraints', () => {
  it('projects constrained weights of nested models after a custom optimizer step', () => {
    const inner = tf.sequential({ layers: [elasticDictConv2d({ inputShape: [5, 5, 2], filters: 3, name: 'd' })] });
    const model = tf.sequential({
      layers: [inner, tf.layers.dense({ units: 2, kernelConstraint: tf.constraints.nonNeg() })],
    });
    const dict = inner.getLayer('d');
    const dense = model.layers[1]!;
    // a big step that leaves every constraint violated (tfjs optimizers ignore constraints)
    for (const v of [...dict.weights, ...dense.weights]) {
      const variable = v.read() as tf.Variable;
      variable.assign(tf.sub(tf.mul(variable, 3), 2));
    }
    expect(dict.getWeights()[1]!.dataSync()[0]).toBeLessThan(0);
    expect(applyConstraints(model)).toBe(4); // kernel, beta, lambda + dense kernel
    const norms = tf.sqrt(tf.sum(tf.square(dict.getWeights()[0]!), [0, 1, 2])).dataSync();
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    expect(dict.getWeights()[1]!.dataSync()[0]).toBe(0);
    expect(dict.getWeights()[2]!.dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(Math.min(...dense.getWeights()[0]!.dataSync())).toBeGreaterThanOrEqual(0);
  });

  it('applies a tfjs weight constraint exactly once (LayerVariable.write would apply it again)', () => {
    const dense = tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' });
    const model = tf.sequential({ layers: [dense] });
    let calls = 0;
    const halve = {
      apply: (w: tf.Tensor) => {
        calls++;
        return tf.mul(w, 0.5);
      },
      getConfig: () => ({}),
    };
    Object.assign(dense.weights[0]!, { constraint: halve });
    expect(applyConstraints(model)).toBe(1);
    expect(calls).toBe(1);
    expect(Array.from(dense.getWeights()[0]!.dataSync())).toEqual(new Array(6).fill(0.5));
  });

  it('constraintsCallback applies them after each fit batch', async () => {
    const layer = elasticDictConv2d({ inputShape: [4, 4, 1], filters: 2, normalizeAtoms: true });
    const model = tf.sequential({ layers: [layer, tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const x = tf.randomNormal([8, 4, 4, 1]);
    const y = tf.fill([8, 1], 50);
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: constraintsCallback(model) });
    const norms = tf.sqrt(tf.sum(tf.square(layer.getWeights()[0]!), [0, 1, 2])).dataSync();
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    const beta = layer.getWeights()[1]!.dataSync()[0]!;
    expect(beta >= 0 && beta <= 1).toBe(true);
  });
});
