import { multiStepLr } from '../loop/lr-schedule.ts';
import type { TrainOptions } from '../loop/trainer-options.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import { directoryStore } from '../store/directory-store.ts';
import { toyData, toyModel } from './toy-problem.ts';

/** Test fixture (not exported from the package): the small l-inf threat model the toy trainings use. */
export const toyThreat = { eps: 0.1, stepSize: 0.04, steps: 2 };

/**
 * Test fixture (not exported from the package): the toy problem's {@link TrainOptions}, shared by `trainer.test.ts`
 * and its SIGINT child process: PGD-AT under {@link toyThreat}, 3 epochs of 40 images in batches of 8, a multi-step
 * schedule from 0.05, Nesterov SGD, seed 42, a 12-image monitor, no progress bar, checkpoints and metrics in `outDir` (a directory store). `extra` overrides any field.
 */
export function toyTrainOptions(outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    model: toyModel(11),
    method: pgdAT(toyThreat),
    train: toyData(40, 1),
    test: toyData(18, 2),
    epochs: 3,
    batchSize: 8,
    lr: multiStepLr({ base: 0.05, milestones: [2] }),
    sgd: { momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
    seed: 42,
    monitor: { trainSubset: 12, testSubset: 12, attack: toyThreat },
    store: directoryStore(outDir),
    ...extra,
  };
}
