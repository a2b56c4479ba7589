import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectSamples } from './select-samples.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('selectSamples', () => {
  it('picks whole samples exactly, from bool or 0/1 masks', () => {
    const yes = tf.tensor4d([0.1, 0.7, 1e-8, 0.3333333, 123.456, -5], [3, 1, 2, 1]);
    const no = tf.tensor4d([0.9, 0.2, 0.5, 1, 0, 0.123456789], [3, 1, 2, 1]);
    const y = yes.dataSync();
    const n = no.dataSync();
    for (const mask of [tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([1, 0, 1])]) {
      const out = Array.from(selectSamples(mask, yes, no).dataSync());
      expect(out).toEqual([y[0], y[1], n[2], n[3], y[4], y[5]]);
    }
    expect(() => selectSamples(tf.tensor1d([1, 0]), yes, no)).toThrow(/do not match/);
  });
});
