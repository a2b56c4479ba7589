import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { lossAndGradient } from './gradient.ts';
import { perSampleCrossEntropy } from './losses.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lossAndGradient', () => {
  const lin = makeLinearModel(2 * 2 * 3, 4, 3);
  const x = makeImages([2, 2, 2, 3]);
  const y = tf.tensor1d([1, 3], 'int32');

  it('returns per-sample loss, logits and a gradient matching finite differences', () => {
    const { loss, grad, logits } = lossAndGradient(lin.model, x, y, perSampleCrossEntropy);
    expect(loss.shape).toEqual([2]);
    expect(logits.shape).toEqual([2, 4]);
    const direct = perSampleCrossEntropy(lin.model(x), y).dataSync();
    expect(loss.dataSync()[1]).toBeCloseTo(direct[1]!, 6);
    const flat = x.dataSync();
    const g = grad.dataSync();
    const h = 1e-2;
    const total = (data: Float32Array) =>
      tf.tidy(() => tf.sum(perSampleCrossEntropy(lin.model(tf.tensor4d(data, x.shape)), y)).dataSync()[0]!);
    for (const idx of [0, 5, 13, 23]) {
      const p = Float32Array.from(flat);
      const m = Float32Array.from(flat);
      p[idx]! += h;
      m[idx]! -= h;
      expect(g[idx]!).toBeCloseTo((total(p) - total(m)) / (2 * h), 2);
    }
    tf.dispose([loss, grad, logits]);
  });

  it('is tidy-clean: a long loop keeps the tensor count flat', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) {
      tf.tidy(() => {
        lossAndGradient(lin.model, x, y, perSampleCrossEntropy);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
