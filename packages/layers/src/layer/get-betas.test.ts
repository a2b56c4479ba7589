import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
import { getBetas, readBetas } from './get-betas.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('getBetas', () => {
  it('lists the beta of every dictionary layer in order, nested models included', () => {
    const inner = tf.sequential({
      layers: [robustDictConv2d({ inputShape: [4, 4, 4], filters: 2, name: 'r' })],
    });
    const model = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [4, 4, 1], filters: 4, name: 'v' }),
        tf.layers.activation({ activation: 'linear' }),
        inner,
        elasticDictConv2d({ filters: 2, beta: 0.25, name: 'e' }),
      ],
    });
    expect(getBetas(model)).toEqual([
      { layer: 'v', kind: 'vanilla', beta: 1 },
      { layer: 'r', kind: 'robust', beta: 0 },
      { layer: 'e', kind: 'elastic', beta: 0.25 },
    ]);
    const e = model.getLayer('e');
    (e.weights[1]!.read() as tf.Variable).assign(tf.scalar(1.4));
    expect(getBetas([e])[0]!.beta).toBe(1); // clamped like the forward pass
  });
});

describe('readBetas', () => {
  // No GPU here: a backend registered under the name 'webgpu' (the cpu backend's class, so tensors created on cpu
  // stay readable with `await data()`) is enough to check that getBetas refuses it and readBetas does not.
  let model: tf.Sequential;
  beforeAll(() => {
    model = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [4, 4, 1], filters: 2, name: 'v2' }),
        elasticDictConv2d({ filters: 2, beta: 0.25, name: 'e2' }),
        robustDictConv2d({ filters: 2, name: 'r2' }),
      ],
    });
    (model.getLayer('e2').weights[1]!.read() as tf.Variable).assign(tf.scalar(-0.5));
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend('webgpu', () => new Cpu());
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend('webgpu');
  });

  it("gives getBetas' rows (clamped) with awaited reads; on webgpu getBetas refuses naming readBetas", async () => {
    const rows = [
      { layer: 'v2', kind: 'vanilla', beta: 1 },
      { layer: 'e2', kind: 'elastic', beta: 0 },
      { layer: 'r2', kind: 'robust', beta: 0 },
    ];
    expect(getBetas(model)).toEqual(rows);
    expect(await readBetas(model)).toEqual(rows);
    await tf.setBackend('webgpu');
    expect(() => getBetas(model)).toThrow(/getBetas\(\) reads a tensor synchronously.*await readBetas\(model\)/);
    expect(await readBetas(model)).toEqual(rows);
    expect(getBetas([model.getLayer('v2')])).toEqual([rows[0]]); // no elastic layer: nothing to read
    await tf.setBackend('cpu');
  });
});
