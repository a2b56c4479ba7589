import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toyData, toyModel } from '../testing/toy-problem.ts';
import { firstIndices, gatherBatch } from './labelled-images.ts';
import { recalibrateBatchNorm } from './recalibrate-batch-norm.ts';

describe('recalibrateBatchNorm', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('moves stale BN moving means to the data statistics and changes nothing else', () => {
    const model = toyModel(3);
    const data = toyData(60, 4);
    const bn = model.layers[2]!;
    const [gamma, beta, , movingVar] = bn.getWeights();
    bn.setWeights([gamma!, beta!, tf.fill([8], 3), movingVar!]); // 0.9^60 · 3 ≈ 0.005 of it remains
    const others = model.layers[1]!.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    recalibrateBatchNorm(model, data, { batches: 60, batchSize: 20, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    // independent truth: the mean of the dense layer's output over the whole data set
    const { x, y } = gatherBatch(data, firstIndices(data, 60));
    const truth = tf.tidy(() =>
      Array.from(tf.mean(model.layers[1]!.apply(model.layers[0]!.apply(x)) as tf.Tensor, 0).dataSync()),
    );
    const got = Array.from(bn.getWeights()[2]!.dataSync());
    for (const [i, g] of got.entries()) expect(Math.abs(g - truth[i]!)).toBeLessThan(0.05 * (1 + Math.abs(truth[i]!)));
    expect(model.layers[1]!.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(others);
    expect(() => recalibrateBatchNorm(model, data, { batches: 0, batchSize: 8, seed: 1 })).toThrow(/batches/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
