import { checkNonNegativeInt, checkNumber, checkPositive } from '../errors/checkers.ts';
/** Where training is when a learning rate is asked for: `epoch` (0-based), `step` within the epoch. */
export interface ScheduleProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
}

/** A learning-rate schedule: a pure function of progress, so resuming needs no schedule state. */
export type LrSchedule = (progress: ScheduleProgress) => number;

/**
 * Step decay evaluated **per epoch** (as in Madry / TRADES / the paper's reference code): `lr = base · gamma^k` with k
 * the number of milestones `<= epoch`.
 * @example multiStepLr({ base: 0.1, milestones: [100, 150], gamma: 0.1 })
 */
export function multiStepLr(options: { base: number; milestones: number[]; gamma?: number }): LrSchedule {
  const gamma = options.gamma ?? 0.1;
  checkPositive('base', options.base);
  checkPositive('gamma', gamma);
  for (const m of options.milestones) {
    checkNonNegativeInt('milestones', m);
  }
  return ({ epoch }) => options.base * gamma ** options.milestones.filter((m) => m <= epoch).length;
}

/**
 * Cosine annealing evaluated **per iteration** (as SDNet's trainer): with i = epoch·stepsPerEpoch + step and
 * T = epochs·stepsPerEpoch, `lr = min + (base − min)·(1 + cos(π·i/T))/2`.
 */
export function cosineLr(options: { base: number; epochs: number; min?: number }): LrSchedule {
  const min = options.min ?? 0;
  checkPositive('base', options.base);
  checkPositive('epochs', options.epochs);
  checkNumber('min', min, { min: 0, max: options.base });
  return ({ epoch, step, stepsPerEpoch }) => {
    const t = Math.min(1, (epoch * stepsPerEpoch + step) / (options.epochs * stepsPerEpoch));
    return min + ((options.base - min) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** A constant learning rate. */
export function constantLr(lr: number): LrSchedule {
  checkPositive('lr', lr);
  return () => lr;
}
