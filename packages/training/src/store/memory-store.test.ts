import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../loop/trainer.ts';
import { toyModel } from '../testing/toy-problem.ts';
import { toyTrainOptions } from '../testing/toy-train-options.ts';
import { memoryStore } from './memory-store.ts';

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
// The toy options with a memory store instead of a directory: nothing touches the file system.
const inMemory = (extra: Parameters<typeof toyTrainOptions>[1] = {}) => {
  const { store: _disk, ...rest } = toyTrainOptions('unused', extra);
  return rest;
};

describe('memoryStore (training without a file system)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('records metrics, and a run stopped mid-epoch resumes from it bitwise equal to the uninterrupted run', async () => {
    const full = await train(inMemory());
    const expected = weightsOf(full.model);
    full.model.dispose();
    const store = memoryStore();
    const first = await train({ ...inMemory({ shouldStop: (p) => p.epoch === 1 && p.step === 2 }), store });
    expect(first.interrupted).toBe(true);
    expect(store.metrics.map((m) => m.epoch)).toEqual([1]);
    first.model.dispose();
    const resumed = await train({ ...inMemory({ model: toyModel(99) }), store, resume: true });
    expect(resumed.interrupted).toBe(false);
    expect(weightsOf(resumed.model)).toEqual(expected);
    expect(store.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    resumed.model.dispose();
  });

  it('keeps the best model of early stopping', async () => {
    const store = memoryStore();
    expect(await store.loadBest()).toBeNull();
    const r = await train({ ...inMemory({ epochs: 10, lr: () => 0, earlyStoppingPatience: 2 }), store });
    expect(r.stoppedEarly).toBe(true);
    const best = await store.loadBest();
    expect(best).not.toBeNull();
    // lr 0: the trainable weights never changed (BatchNorm's moving statistics did)
    const trainable = (m: tf.LayersModel) => m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    expect(trainable(best!)).toEqual(trainable(r.model));
    expect(best!.layers.map((l) => l.name)).toEqual(r.model.layers.map((l) => l.name));
    best!.dispose();
    r.model.dispose();
  });

  it('trains without any store, and names the fix for outDir, resume without a store and a bad progress', async () => {
    const r = await train(inMemory({ epochs: 1 }));
    expect(r.history).toHaveLength(1);
    r.model.dispose();
    await expect(train({ ...inMemory(), outDir: 'runs/x' } as never)).rejects.toThrow(/directoryStore\(outDir\)/);
    await expect(train(inMemory({ resume: true }))).rejects.toThrow(/resume needs a store/);
    await expect(train(inMemory({ progress: true as never }))).rejects.toThrow(/progress must be a function/);
    await expect(train({ ...inMemory(), store: {} as never })).rejects.toThrow(/store must be a TrainingStore/);
  });
});
