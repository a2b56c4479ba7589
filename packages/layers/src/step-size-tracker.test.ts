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
    const ta = a.stepSize(kernel, [8, 9, 9, 2], { strides: 1, padding: 'symmetric' }, 'test');
    const tb = b.stepSize(kernel, [8, 9, 9, 2], { strides: 1, padding: 'symmetric' }, 'test');
    expect(ta).not.toBeNull();
    expect(ta).toBe(tb);
    a.dispose();
    b.dispose();
    kernel.dispose();
  });
});
