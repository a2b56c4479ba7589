import { OpsError } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgdAT } from '../methods/pgd-at.ts';
import { standardTraining } from '../methods/standard-training.ts';
import type { TrainingMethod } from '../methods/training-method.ts';
import { toyDenseModel } from '../testing/toy-dense-model.ts';
import { toyData, toyModel } from '../testing/toy-problem.ts';
import { toyThreat } from '../testing/toy-train-options.ts';
import { constantLr } from './lr-schedule.ts';
import { microBatchSizes } from './micro-batches.ts';
import { train } from './trainer.ts';
import type { TrainOptions } from './trainer-options.ts';

const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** One step of plain SGD (lr 0.1, l2 penalty 0.01) on all 8 images of the toy problem, nothing else. */
function oneStep(model: tf.LayersModel, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    model,
    method: standardTraining(),
    train: toyData(8, 1),
    test: toyData(6, 2),
    epochs: 1,
    batchSize: 8,
    lr: constantLr(0.1),
    sgd: { momentum: 0, weightDecay: 0 },
    regularizer: { l2: 0.01 },
    monitor: { attack: null, trainSubset: 4, testSubset: 4 },
    applyConstraints: () => undefined,
    ...extra,
  };
}

describe('microBatchSizes', () => {
  it('splits a batch as evenly as possible, larger parts first, none empty', () => {
    expect(microBatchSizes(8, 4)).toEqual([2, 2, 2, 2]);
    expect(microBatchSizes(8, 3)).toEqual([3, 3, 2]);
    expect(microBatchSizes(128, 1)).toEqual([128]);
    expect(microBatchSizes(5, 8)).toEqual([1, 1, 1, 1, 1]);
    expect(microBatchSizes(130, 4)).toEqual([33, 33, 32, 32]);
  });
});

describe('train with accumulate (gradient accumulation)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('without BatchNorm gives the update of one full batch, for even and uneven splits', async () => {
    // independent truth: w - lr * grad of (mean softmax cross-entropy over the 8 images + 0.01 * sum of kernel^2),
    // with tfjs' own loss, outside the trainer
    const data = toyData(8, 1);
    const reference = toyDenseModel(11);
    const vars = reference.trainableWeights.map((w) => w.read() as tf.Variable);
    const want = tf.tidy(() => {
      const x = tf.tensor4d(data.images, [8, 4, 4, 1]);
      const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 3);
      const { grads } = tf.variableGrads(() => {
        const ce = tf.losses.softmaxCrossEntropy(y, reference.apply(x) as tf.Tensor2D);
        const l2 = tf.addN(vars.filter((v) => v.rank >= 2).map((v) => tf.sum(tf.square(v))));
        return tf.add(ce, tf.mul(l2, 0.01)) as tf.Scalar;
      }, vars);
      return vars.map((v) => Array.from(tf.sub(v, tf.mul(grads[v.name]!, 0.1)).dataSync()));
    });
    reference.dispose();
    const before = values(toyDenseModel(11));
    for (const accumulate of [1, 2, 3, 4, 8]) {
      const { model } = await train(oneStep(toyDenseModel(11), { accumulate }));
      const got = values(model);
      model.dispose();
      got.forEach((w, i) => {
        // the step changed the weights, by the full batch's gradient
        expect(w).not.toEqual(before[i]);
        w.forEach((v, j) => {
          expect(Math.abs(v - want[i]![j]!)).toBeLessThan(2e-6);
        });
      });
    }
  });

  it('reports the batch loss: the same mean loss for every accumulate', async () => {
    const losses: number[] = [];
    for (const accumulate of [1, 3, 8]) {
      const r = await train(oneStep(toyDenseModel(5), { accumulate }));
      losses.push(r.history[0]!.loss);
      r.model.dispose();
    }
    expect(losses[1]).toBeCloseTo(losses[0]!, 5);
    expect(losses[2]).toBeCloseTo(losses[0]!, 5);
  });

  it("computes each micro-batch's adversarial examples on the same weights, then applies one update", async () => {
    const seen: number[][] = [];
    const inner = pgdAT(toyThreat);
    const recording: TrainingMethod = {
      name: 'recording-pgd-at',
      step(ctx, x, y) {
        seen.push(Array.from(ctx.variables[0]!.dataSync()));
        return inner.step(ctx, x, y);
      },
    };
    const model = toyDenseModel(3);
    const start = values(model)[0]!;
    const r = await train(oneStep(model, { method: recording, accumulate: 4 }));
    expect(seen).toHaveLength(4);
    for (const w of seen) expect(w).toEqual(start);
    expect(values(r.model)[0]).not.toEqual(start);
    r.model.dispose();
  });

  it('is tf.tidy-clean: the tensor count is flat over steps and epochs (PGD-AT, BatchNorm, uneven split)', async () => {
    const counts: number[] = [];
    const r = await train({
      ...oneStep(toyModel(11), { method: pgdAT(toyThreat), accumulate: 3 }),
      train: toyData(40, 1),
      epochs: 2,
      sgd: { momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
      shouldStop: () => {
        counts.push(tf.memory().numTensors);
        return false;
      },
    });
    expect(counts).toHaveLength(10);
    // from the second step on (the first creates the momentum buffers) not one tensor more or less
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    r.model.dispose();
  });

  it('rejects an accumulate that is not an integer in [1, batchSize]', async () => {
    for (const [accumulate, message] of [
      [0, /^accumulate must be an integer >= 1, got 0$/],
      [1.5, /^accumulate must be an integer >= 1, got 1.5$/],
      [9, /^accumulate must be an integer in \[1, batchSize=8\] \(micro-batches per batch\), got 9$/],
    ] as const) {
      const model = toyDenseModel(1);
      await expect(train(oneStep(model, { accumulate }))).rejects.toMatchObject({
        name: 'TrainingError',
        code: 'invalid-option',
        option: 'accumulate',
        message: expect.stringMatching(message),
      });
      model.dispose();
    }
  });

  it('turns an out-of-memory error of the backend into one naming the batch size and the accumulate that halves it', async () => {
    const oom: TrainingMethod = {
      name: 'oom',
      step() {
        throw new OpsError('out-of-memory', 'batchSize', 'the wasm heap is exhausted: (test)');
      },
    };
    const model = toyDenseModel(1);
    await expect(train(oneStep(model, { method: oom, accumulate: 2 }))).rejects.toMatchObject({
      name: 'TrainingError',
      code: 'out-of-memory',
      option: 'batchSize',
      message: expect.stringMatching(
        /^train: out of memory in a training step at batch size 8 with accumulate 2 \(micro-batches of 4\)\. Set accumulate: 4 \(edl train --accumulate 4\) for micro-batches of 2 .*the wasm heap is exhausted: \(test\)$/,
      ),
    });
    model.dispose();
  });
});
