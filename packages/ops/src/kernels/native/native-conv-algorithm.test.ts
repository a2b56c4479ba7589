import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../backend/native-addon.ts';
import { setupBackend } from '../../backend/setup-backend.node.ts';

// The documented rule of the native conv kernels (README, native/conv-winograd.h) in its default 'auto' mode: a 3x3
// stride-1 conv with >= 32 channels in and out, >= 128 2x2 output tiles and >= 5e8 multiply-adds runs Winograd
// F(2x2, 3x3); others run direct. Told apart by a signature of the algorithm, not by timing: with all-ones weights
// and an Inf in the input, the direct sum is +Inf, while Winograd combines transformed terms of both signs
// (Inf - Inf = NaN). Own process (the addon's algorithm is read once, when it loads).

/** conv2d (or its input gradient) of ones with an Inf at a few interior pixels, on the native kernels. */
function probe(batch: number, size: number, channels: number, gradient: boolean): Float32Array {
  return tf.tidy(() => {
    const shape: [number, number, number, number] = [batch, size, size, channels];
    const v = new Float32Array(batch * size * size * channels).fill(1);
    const infAt: [number, number][] = [
      [1, 1],
      [2, 2],
      [5, 6],
    ];
    for (const [h, w] of infAt) v[(h * size + w) * channels] = Number.POSITIVE_INFINITY;
    const w = tf.ones([3, 3, channels, channels]) as tf.Tensor4D;
    const out = gradient
      ? tf.conv2dTranspose(tf.tensor4d(v, shape), w, shape, 1, 'same')
      : tf.conv2d(tf.tensor4d(v, shape), w, 1, 'same');
    return out.dataSync() as Float32Array;
  });
}

const count = (a: Float32Array, f: (v: number) => boolean) => a.reduce((n, v) => n + (f(v) ? 1 : 0), 0);

describe('which algorithm the native conv kernels pick (auto rule)', () => {
  beforeAll(async () => {
    delete process.env.EDL_NATIVE_CONV_ALGORITHM;
    await setupBackend({ backend: 'wasm', threads: 2, quiet: true, native: 'require' });
    expect((await loadNativeAddon()).addon?.info().convAlgorithm).toBe('auto');
  });

  // batch 16 of 16x16x128 -> 128: 1024 tiles, 6.0e8 multiply-adds (a ResNet18 stage-2 conv at batch 16)
  it.each([false, true])(
    '16x16x128, batch 16 (input gradient: %s): Winograd (NaN where the direct sum is Inf)',
    (g) => {
      const y = probe(16, 16, 128, g);
      expect(count(y, Number.isNaN)).toBeGreaterThan(0);
      expect(count(y, (v) => v === Number.POSITIVE_INFINITY) + count(y, Number.isNaN)).toBeGreaterThan(8);
    },
  );

  // batch 8: 3.0e8 multiply-adds, under the rule's 5e8
  it.each([false, true])('16x16x128, batch 8 (input gradient: %s): direct (exactly +Inf, no NaN)', (g) => {
    const y = probe(8, 16, 128, g);
    expect(count(y, Number.isNaN)).toBe(0);
    expect(count(y, (v) => v === Number.POSITIVE_INFINITY)).toBeGreaterThan(8);
    expect(count(y, (v) => v !== Number.POSITIVE_INFINITY && v !== 9 * 128 && v !== 4 * 128 && v !== 6 * 128)).toBe(0);
  });
});
