import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnitInterval } from './unit-interval.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('UnitInterval', () => {
  it('clips into [0, 1] and is registered for serialization', () => {
    const out = new UnitInterval().apply(tf.tensor1d([-0.5, 0, 0.3, 1, 2]));
    expect(Array.from(out.dataSync())).toEqual([0, 0, Math.fround(0.3), 1, 1]);
    expect(new UnitInterval().getClassName()).toBe('UnitInterval');
    expect(tf.serialization.SerializationMap.getMap().classNameMap.UnitInterval?.[0]).toBe(UnitInterval);
  });
});
