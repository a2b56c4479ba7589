import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../store/memory-store.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { train } from './trainer.ts';

// What the trainer asks of the device, counted at the engine (Tensor.dataSync / data() go through it; kernels' own
// reads of their inputs do not): WebGPU has no synchronous read, and every awaited read is a pipeline stall, so a
// step may read at most once.
describe('train: device reads', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('never reads synchronously and reads once per step (plus once per monitor subset and per checkpoint)', async () => {
    const engine = tf.engine();
    const readSync = vi.spyOn(engine, 'readSync');
    const read = vi.spyOn(engine, 'read');
    const atStep: number[] = [];
    const { store: _disk, ...options } = toyTrainOptions('unused', {
      epochs: 2,
      shouldStop: () => {
        atStep.push(read.mock.calls.length);
        return false;
      },
    });
    const r = await train({ ...options, store: memoryStore() });
    expect(readSync).not.toHaveBeenCalled();
    // 5 steps per epoch: within an epoch, consecutive steps are one read apart
    expect(atStep).toHaveLength(10);
    for (const epoch of [0, 1]) {
      const steps = atStep.slice(epoch * 5, epoch * 5 + 5);
      expect(steps.slice(1).map((n, i) => n - steps[i]!)).toEqual([1, 1, 1, 1]);
    }
    // between epochs: the last step's read, 2 monitor reads (train and test subsets), and the checkpoint: the model's
    // 8 weights (2 dense layers x 2, BatchNorm's gamma, beta and moving statistics) and one momentum buffer per
    // trainable variable (6)
    expect(atStep[5]! - atStep[4]!).toBe(1 + 2 + 8 + 6);
    r.model.dispose();
  });
});
