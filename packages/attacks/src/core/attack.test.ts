import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { defineAttack } from './define-attack.ts';
import { finalizeResult } from './finalize-result.ts';
import { runBatched } from './run-batched.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('runBatched and finalizeResult', () => {
  const lin = makeLinearModel(12, 3, 9);
  // A deterministic toy attack: push every pixel by +eps.
  const shift = defineAttack({
    name: 'shift',
    threat: { norm: 'linf', eps: 0.1 },
    family: 'gradient',
    effort: { steps: 1, restarts: 1 },
    settings: {},
    run: async ({ x }) => ({ xAdv: tf.add(x, 0.2) as tf.Tensor4D, queries: 1 }),
  });

  it('concatenates batches exactly like one big run', async () => {
    const x = makeImages([5, 2, 2, 3]);
    const y = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
    const whole = await shift.run(lin.model, x, y);
    let calls = 0;
    const parts = await runBatched(shift, lin.model, x, y, 2, { onProgress: () => calls++ });
    expect(calls).toBe(3);
    expect(parts.success).toEqual(whole.success);
    expect(parts.xAdv.shape).toEqual([5, 2, 2, 3]);
    expect(tf.max(tf.abs(tf.sub(parts.xAdv, whole.xAdv))).dataSync()[0]).toBe(0);
    expect(parts.queries).toBe(1);
    for (const n of parts.norms) expect(n).toBeCloseTo(0.1, 5);
  });

  it('finalizeResult re-projects into the ball and the box and flags targets', async () => {
    const x = tf.fill([2, 2, 2, 3], 0.95) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32');
    const r = await finalizeResult(lin.model, x, tf.add(x, 0.5) as tf.Tensor4D, y, 'linf', { eps: 0.3 });
    expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
    for (const n of r.norms) expect(n).toBeLessThanOrEqual(0.05 + 1e-6);
    const preds = Array.from(tf.argMax(lin.model(r.xAdv), 1).dataSync());
    const t = await finalizeResult(lin.model, x, tf.clone(x), y, 'none', { targets: tf.tensor1d(preds, 'int32') });
    expect(t.success).toEqual([true, true]);
  });

  it('rejects a bad batch size', async () => {
    await expect(runBatched(shift, lin.model, makeImages([1, 2, 2, 3]), tf.tensor1d([0], 'int32'), 0)).rejects.toThrow(
      /batchSize/,
    );
  });
});
