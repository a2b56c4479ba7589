import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DictConv2D } from './dict-conv2d.ts';
import { assertSyncReadable } from './sync-read.ts';

// No GPU here: a backend registered under the name 'webgpu' (the cpu backend's class, so tensors created on cpu stay
// readable with `await data()`) is enough to check that synchronous reads are refused by name.
describe('synchronous reads on webgpu', () => {
  let layer: DictConv2D;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    layer = new DictConv2D({ kind: 'elastic', filters: 3, beta: 0.25 });
    layer.apply(tf.zeros([1, 6, 6, 2]));
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend('webgpu', () => new Cpu());
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend('webgpu');
  });

  it('currentBeta() refuses webgpu naming readBeta(); readBeta() reads the same value on both backends', async () => {
    expect(layer.currentBeta()).toBeCloseTo(0.25, 6);
    expect(await layer.readBeta()).toBeCloseTo(0.25, 6);
    await tf.setBackend('webgpu');
    expect(() => layer.currentBeta()).toThrow(
      /DictConv2D '.*': currentBeta\(\) reads a tensor synchronously.*readBeta/,
    );
    expect(await layer.readBeta()).toBeCloseTo(0.25, 6);
    await tf.setBackend('cpu');
    expect(() => assertSyncReadable('x', 'fix')).not.toThrow();
  });

  it('vanilla and robust layers answer without reading', async () => {
    await tf.setBackend('webgpu');
    const vanilla = new DictConv2D({ kind: 'vanilla', filters: 2 });
    expect(vanilla.currentBeta()).toBe(1);
    expect(await new DictConv2D({ kind: 'robust', filters: 2 }).readBeta()).toBe(0);
    await tf.setBackend('cpu');
  });
});
