/** Where training is when a learning rate is asked for: `epoch` (0-based), `step` within the epoch. */
export interface ScheduleProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
}

/** A learning-rate schedule: a pure function of progress, so resuming needs no schedule state. */
export type LrSchedule = (progress: ScheduleProgress) => number;

function positive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a finite number > 0, got ${v}`);
}

/**
 * Step decay evaluated **per epoch** (as in Madry / TRADES / the paper's reference code): `lr = base · gamma^k` with k
 * the number of milestones `<= epoch`.
 * @example multiStepLr({ base: 0.1, milestones: [100, 150], gamma: 0.1 })
 */
export function multiStepLr(options: { base: number; milestones: number[]; gamma?: number }): LrSchedule {
  const gamma = options.gamma ?? 0.1;
  positive('multiStepLr: base', options.base);
  positive('multiStepLr: gamma', gamma);
  for (const m of options.milestones) {
    if (!Number.isInteger(m) || m < 0) throw new Error(`multiStepLr: milestones must be integers >= 0, got ${m}`);
  }
  return ({ epoch }) => options.base * gamma ** options.milestones.filter((m) => m <= epoch).length;
}

/**
 * Cosine annealing evaluated **per iteration** (as SDNet's trainer): with i = epoch·stepsPerEpoch + step and
 * T = epochs·stepsPerEpoch, `lr = min + (base − min)·(1 + cos(π·i/T))/2`.
 */
export function cosineLr(options: { base: number; epochs: number; min?: number }): LrSchedule {
  const min = options.min ?? 0;
  positive('cosineLr: base', options.base);
  positive('cosineLr: epochs', options.epochs);
  if (!(min >= 0 && min <= options.base)) throw new Error(`cosineLr: min must be in [0, base], got ${min}`);
  return ({ epoch, step, stepsPerEpoch }) => {
    const t = Math.min(1, (epoch * stepsPerEpoch + step) / (options.epochs * stepsPerEpoch));
    return min + ((options.base - min) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}

/** A constant learning rate. */
export function constantLr(lr: number): LrSchedule {
  positive('constantLr: lr', lr);
  return () => lr;
}
