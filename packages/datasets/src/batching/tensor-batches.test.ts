import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../formats/mnist.ts';
import { iterateTensorBatches } from './tensor-batches.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('iterateTensorBatches', () => {
  it('yields NHWC float32 in [0, 1] and int32 labels matching the store', async () => {
    const set = loadMnist({ split: 'test' });
    const it0 = iterateTensorBatches(set, { batchSize: 16 });
    const { value } = await it0.next();
    await it0.return(undefined);
    expect(value!.x.shape).toEqual([16, 28, 28, 1]);
    expect(value!.x.dtype).toBe('float32');
    expect(value!.y.dtype).toBe('int32');
    expect([...value!.y.dataSync()]).toEqual([...set.labels.subarray(0, 16)]);
    const x = value!.x.dataSync();
    for (let p = 0; p < 784 * 16; p += 97) expect(x[p]).toBeCloseTo(set.images[p]! / 255, 6);
    tf.dispose(value!);
  });
  it('keeps the tensor count flat over a full epoch with augmentation and mixup', async () => {
    const set = loadMnist({ split: 'test' }); // 2,000 images
    const before = tf.memory().numTensors;
    let batches = 0;
    let images = 0;
    for await (const b of iterateTensorBatches(set, {
      batchSize: 128,
      shuffle: true,
      seed: 3,
      augment: { crop: { padding: 2 }, flip: true, mixup: { alpha: 1 } },
    })) {
      expect(b.ySoft?.shape).toEqual([b.x.shape[0], 10]);
      tf.tidy(() => {
        tf.sum(b.x); // a consumer step
      });
      images += b.x.shape[0];
      batches++;
      tf.dispose(b);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(batches).toBe(16);
    expect(images).toBe(2000);
    expect(tf.memory().numTensors).toBe(before);
  });
});
