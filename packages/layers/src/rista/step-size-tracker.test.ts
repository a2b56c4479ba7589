import { convOperator, lipschitzOnDevice } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { StepSizeTracker } from './step-size-tracker.ts';

describe('StepSizeTracker', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives identical step sizes for the same kernel (seeded power iteration), so seeded runs reproduce', () => {
    const kernel = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const a = new StepSizeTracker();
    const b = new StepSizeTracker();
    const ta = a.stepSize(kernel, [8, 9, 9, 2], { strides: 1, padding: 'symmetric' }, 0.5).dataSync()[0]!;
    const tb = b.stepSize(kernel, [8, 9, 9, 2], { strides: 1, padding: 'symmetric' }, 0.5).dataSync()[0]!;
    expect(ta).toBeGreaterThan(0);
    expect(ta).not.toBe(0.5);
    expect(ta).toBe(tb);
    a.dispose();
    b.dispose();
    kernel.dispose();
  });

  it('gives the fallback for a zero or NaN kernel and keeps a usable warm start, all on the device', () => {
    const tracker = new StepSizeTracker();
    const geometry = { strides: 1, padding: 'symmetric' } as const;
    const zero = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    const nan = tf.fill([3, 3, 2, 4], Number.NaN) as tf.Tensor4D;
    const kernel = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 8) as tf.Tensor4D;
    expect(tracker.stepSize(zero, [1, 6, 6, 2], geometry, 0.25).dataSync()[0]).toBe(0.25);
    expect(tracker.stepSize(nan, [1, 6, 6, 2], geometry, 0.25).dataSync()[0]).toBe(0.25);
    // after the bad kernels the warm start is the seeded random vector again, so 10 iterations give a usable step:
    // within 10% of 0.9 / L and below 1 / L (a convergent ISTA step)
    const afterBad = tracker.stepSize(kernel, [1, 6, 6, 2], geometry, 0.25).dataSync()[0]!;
    const exact = lipschitzOnDevice(convOperator(kernel, [1, 6, 6, 2]), { iterations: 2000 });
    const L = exact.value.dataSync()[0]!;
    expect(afterBad * L).toBeLessThan(1);
    expect(Math.abs(afterBad * L - 0.9)).toBeLessThan(0.09);
    tracker.dispose();
    tf.dispose([exact.value, exact.vector]);
    tf.dispose([zero, nan, kernel]);
  });
});
