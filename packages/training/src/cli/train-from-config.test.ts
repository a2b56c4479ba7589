import { elasticDictConv2d, vanillaDictConv2d } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { betasRecord } from './train-from-config.ts';

describe('betasRecord (the betas of the metrics of `edl train`)', () => {
  // No GPU here: a backend registered under the name 'webgpu' (the cpu backend's class) stands for it; the beta
  // readers that read synchronously refuse any backend of that name, so this checks that the metrics await reads.
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const Cpu = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
    tf.registerBackend('webgpu', () => new Cpu());
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend('webgpu');
  });

  it('reads every layer beta by name with awaited reads, on webgpu too', async () => {
    const model = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [4, 4, 1], filters: 2, name: 'v' }),
        elasticDictConv2d({ filters: 2, beta: 0.25, name: 'e' }),
      ],
    });
    expect(await betasRecord(model)).toEqual({ v: 1, e: 0.25 });
    await tf.setBackend('webgpu');
    expect(await betasRecord(model)).toEqual({ v: 1, e: 0.25 });
    await tf.setBackend('cpu');
    model.dispose();
  });
});
