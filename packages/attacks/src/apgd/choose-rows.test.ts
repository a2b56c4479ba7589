import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseRows } from './choose-rows.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('chooseRows', () => {
  const shape: [number, number, number, number] = [3, 2, 2, 1];
  const yesData = Array.from({ length: 12 }, (_, i) => i + 1);
  const noData = Array.from({ length: 12 }, (_, i) => -(i + 1));

  it('takes row s from yes where flags[s], from no elsewhere (checked element by element)', async () => {
    const yes = tf.tensor4d(yesData, shape);
    const no = tf.tensor4d(noData, shape);
    const before = tf.memory().numTensors;
    for (const flags of [
      [true, false, true],
      [false, true, false],
      [true, true, true],
      [false, false, false],
    ]) {
      const out = chooseRows(flags, yes, no);
      expect(out.shape).toEqual(shape);
      const expected = yesData.map((v, i) => (flags[Math.floor(i / 4)] ? v : noData[i]));
      expect(Array.from(await out.data())).toEqual(expected);
      out.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    // the inputs survive the results' disposal (clones share data but not ownership)
    expect(Array.from(await yes.data())).toEqual(yesData);
    expect(Array.from(await no.data())).toEqual(noData);
    tf.dispose([yes, no]);
  });

  it('rejects a flag count or shapes that do not match', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => chooseRows([true], a, a)).toThrow(/2 flags/);
    expect(() => chooseRows([true, false], a, b)).toThrow(/one shape/);
    tf.dispose([a, b]);
  });
});
