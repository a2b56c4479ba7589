import type { TrainConfig } from './train-config.ts';

/** Settings of the main job on top of the training config. */
export interface QuickstartOptions {
  /** Training settings shared by both models (conv and switch are set per model). */
  config: Partial<TrainConfig>;
  /** Held-out digits for clean / FGSM / PGD. */
  evalCount: number;
  /** Digits for the (short) AutoAttack, a prefix of the evaluation set. */
  autoAttackCount: number;
  /** Fraction of AutoAttack's reference iterations / queries (0.1: APGD 10 iterations, Square 500 queries). */
  autoAttackBudget: number;
  /** Target classes of AutoAttack's APGD-T and FAB-T (the reference uses 9). */
  autoAttackTargets: number;
  /** PGD steps at evaluation. */
  pgdSteps: number;
  /** Epsilons of the accuracy-vs-epsilon curves (PGD-10) and the digits they use. */
  sweep: number[];
  sweepCount: number;
  out: string;
  /** Progress bars (default: when stderr is a TTY). */
  progress?: boolean;
}

/** The defaults of `edl quickstart` (a few minutes on 2 CPU cores with the wasm backend). */
export const QUICKSTART_DEFAULTS: QuickstartOptions = {
  config: {
    trainCount: 1200,
    testCount: 500,
    epochs: 4,
    batchSize: 50,
    lr: 0.05,
    schedule: 'cosine',
    eps: 0.1,
    stepSize: 0.04,
    attackSteps: 3,
    depth: 10,
    width: 0.125,
    firstStageStride: 2,
    ristaSteps: 2,
    monitorCount: 150,
    bnRecalibration: 20,
    switchBeta: 1,
    method: 'pgd-at',
  },
  evalCount: 400,
  autoAttackCount: 100,
  autoAttackBudget: 0.1,
  autoAttackTargets: 3,
  pgdSteps: 20,
  sweep: [0.05, 0.1, 0.15, 0.2, 0.3, 0.4],
  sweepCount: 150,
  out: 'runs/quickstart',
};
