import { describeBackends, onCpu, testBackends } from '@edl/ops/testing';
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { train } from './loop/trainer.ts';
import type { EpochMetrics } from './store/epoch-metrics.ts';
import { memoryStore } from './store/memory-store.ts';
import { toyTrainOptions } from './testing/toy-train-options.ts';

// One PGD-AT epoch (2 PGD steps, 5 batches of 8, Nesterov SGD, BatchNorm, a 12-image monitor with its own PGD) of the
// toy classifier on every backend available (cpu, wasm, wasm + native, webgpu with EDL_TEST_WEBGPU=1), against the
// cpu backend. Same seed everywhere: the PGD starts and the batch order come from seeded JS generators, so the
// backends differ only by float32 round-off.

const backends = await testBackends();

/**
 * Tolerances against cpu, measured (see the report of the change that added this file: webgpu on SwiftShader
 * differs by ~1e-6 relative in the loss, wasm by less) and set with a wide margin: 5 SGD steps with momentum carry
 * each step's round-off into the next, so the epoch's mean loss may move by more than one op's round-off; 1e-3
 * relative is still far below what a wrong kernel or a skipped step changes (the loss falls ~10% per step here).
 * Accuracies are counts over 12 images: an image whose margin is below the round-off could flip, so one image
 * (1/12) of difference is allowed; a broken backend misclassifies many.
 */
const LOSS_RTOL = 1e-3;
const ACCURACY_ATOL = 1 / 12 + 1e-9;

async function oneEpoch(): Promise<{ metrics: EpochMetrics; leaked: number; weights: Float32Array[] }> {
  const { store: _disk, ...options } = toyTrainOptions('unused', { epochs: 1 });
  const before = tf.memory().numTensors;
  const r = await train({ ...options, store: memoryStore() });
  const leaked = tf.memory().numTensors - before;
  const weights = await Promise.all(r.model.getWeights().map(async (w) => Float32Array.from(await w.data())));
  r.model.dispose();
  expect(r.history).toHaveLength(1);
  return { metrics: r.history[0]!, leaked, weights };
}

describeBackends(backends, 'one PGD-AT epoch of a tiny model against cpu', (backend) => {
  it('finishes with a finite loss, no tensor left over, and the metrics of the cpu backend', async () => {
    const got = await oneEpoch();
    const ref = await onCpu(oneEpoch);
    expect(Number.isFinite(got.metrics.loss)).toBe(true);
    expect(got.leaked).toBe(0);
    expect(Math.abs(got.metrics.loss - ref.metrics.loss)).toBeLessThanOrEqual(LOSS_RTOL * Math.abs(ref.metrics.loss));
    for (const key of ['trainNatural', 'trainRobust', 'testNatural', 'testRobust'] as const) {
      expect(got.metrics[key], key).toBeGreaterThanOrEqual(0);
      expect(Math.abs(got.metrics[key] - ref.metrics[key]), key).toBeLessThanOrEqual(ACCURACY_ATOL);
    }
    expect(got.metrics.lr).toBe(ref.metrics.lr);
    // the weights after the epoch, relative to the model's largest weight (the first dense layer's bias, in front of
    // BatchNorm, has a zero gradient in exact arithmetic: its entries are round-off, ~1e-8, on every backend)
    const scale = Math.max(...ref.weights.flatMap((r) => Array.from(r, Math.abs)));
    for (const [i, w] of got.weights.entries()) {
      const r = ref.weights[i]!;
      const worst = Math.max(...Array.from(w, (v, j) => Math.abs(v - r[j]!)));
      expect(worst, `weight ${i}`).toBeLessThanOrEqual(LOSS_RTOL * scale);
    }
    console.info(
      `[${backend.name}] epoch loss ${got.metrics.loss} (cpu ${ref.metrics.loss}, rel diff ${(Math.abs(got.metrics.loss - ref.metrics.loss) / Math.abs(ref.metrics.loss)).toExponential(2)})`,
    );
  });
});
