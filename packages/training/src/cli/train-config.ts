import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError } from './user-error.ts';

/** Every setting of `edl train` (flags and `--config` JSON use these names). */
export interface TrainConfig {
  dataset: 'mnist' | 'cifar10' | 'cifar100' | 'tiny-imagenet';
  dataDir?: string;
  trainCount: number;
  testCount: number;
  depth: 10 | 18 | 34 | 50;
  conv: 'standard' | 'vanilla' | 'robust' | 'elastic';
  width: number;
  firstStageStride?: 1 | 2;
  ristaSteps: number;
  lambda?: number;
  /**
   * Stages (0 = stem, 1-4 = residual stages) whose dictionary layers recompute their RISTA iterations in the
   * backward pass instead of keeping them (gradient checkpointing: less memory, more time); absent: none.
   */
  recomputeStages?: number[];
  method: 'standard' | 'pgd-at' | 'trades' | 'mart' | 'hat';
  awp: boolean;
  awpGamma: number;
  helper?: string;
  epochs: number;
  batchSize: number;
  /** Micro-batches per batch (gradient accumulation, see `TrainOptions.accumulate`); 1: none. */
  accumulate: number;
  lr: number;
  schedule: 'multistep' | 'cosine' | 'constant';
  milestones: number[];
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  eps: number;
  stepSize: number;
  attackSteps: number;
  beta: number;
  switchEpoch?: number;
  switchLr?: number;
  switchBeta: number;
  l1: number;
  l2: number;
  crop: number;
  flip: boolean;
  cutout: number;
  /** Mixup Beta(alpha, alpha) parameter (absent: off); standard and pgd-at only. */
  mixupAlpha?: number;
  earlyStopping?: number;
  monitorCount: number;
  bnRecalibration: number;
  seed: number;
  backend: 'auto' | 'wasm' | 'webgpu' | 'tensorflow' | 'cpu';
  threads?: number;
  out: string;
  resume: boolean;
  /** Replace an earlier run in `out` (deleting its config, metrics, checkpoints, best/ and final/). */
  overwrite: boolean;
}

/** Defaults: the main job's MNIST setting. */
export const TRAIN_DEFAULTS: TrainConfig = {
  dataset: 'mnist',
  trainCount: 2400,
  testCount: 500,
  depth: 10,
  conv: 'vanilla',
  width: 0.125,
  ristaSteps: 2,
  method: 'pgd-at',
  awp: false,
  awpGamma: 5e-3,
  epochs: 2,
  batchSize: 64,
  accumulate: 1,
  lr: 0.05,
  schedule: 'cosine',
  milestones: [],
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  eps: 0.1,
  stepSize: 0.04,
  attackSteps: 3,
  beta: 6,
  switchBeta: 1,
  l1: 0,
  l2: 0,
  crop: 0,
  flip: false,
  cutout: 0,
  monitorCount: 200,
  bnRecalibration: 0,
  seed: 1,
  backend: 'auto',
  out: 'runs/train',
  resume: false,
  overwrite: false,
};

/** The JSON type of every setting a `--config` file may hold (own properties only: `toString` is no setting). */
const SETTING_TYPES: Record<keyof TrainConfig, 'string' | 'number' | 'boolean' | 'number[]'> = {
  ...(Object.fromEntries(
    Object.entries(TRAIN_DEFAULTS).map(([k, v]) => [k, Array.isArray(v) ? 'number[]' : typeof v]),
  ) as Record<keyof TrainConfig, 'string' | 'number' | 'boolean' | 'number[]'>),
  dataDir: 'string',
  helper: 'string',
  switchEpoch: 'number',
  switchLr: 'number',
  earlyStopping: 'number',
  threads: 'number',
  lambda: 'number',
  firstStageStride: 'number',
  mixupAlpha: 'number',
  recomputeStages: 'number[]',
};

const CHOICES: Partial<Record<keyof TrainConfig, readonly (string | number)[]>> = {
  dataset: ['mnist', 'cifar10', 'cifar100', 'tiny-imagenet'],
  depth: [10, 18, 34, 50],
  conv: ['standard', 'vanilla', 'robust', 'elastic'],
  method: ['standard', 'pgd-at', 'trades', 'mart', 'hat'],
  schedule: ['multistep', 'cosine', 'constant'],
  backend: ['auto', 'wasm', 'webgpu', 'tensorflow', 'cpu'],
  firstStageStride: [1, 2],
};

/** Reads a `--config` JSON file; unknown keys are errors (they are usually typos). */
export function readConfigFile(path: string): Partial<TrainConfig> {
  if (!existsSync(path)) throw new UserError(`--config: file not found: ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`--config: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`--config: ${path} must hold a JSON object of settings`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    const type = Object.hasOwn(SETTING_TYPES, key) ? SETTING_TYPES[key as keyof TrainConfig] : undefined;
    if (type === undefined) throw new UserError(`--config: unknown setting "${key}" in ${path} (see edl train --help)`);
    const ok =
      type === 'number[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'number')
        : typeof value === type && !(type === 'number' && !Number.isFinite(value));
    if (!ok) {
      const what = type === 'number[]' ? 'an array of numbers' : type === 'boolean' ? 'true or false' : `a ${type}`;
      throw new UserError(`--config: "${key}" in ${path} must be ${what}, got ${JSON.stringify(value)}`);
    }
  }
  return parsed as Partial<TrainConfig>;
}

function need(cond: boolean, message: string): void {
  if (!cond) throw new UserError(message);
}

/** Merges defaults < config file < flags and validates every value with an actionable message. */
export function resolveTrainConfig(file: Partial<TrainConfig>, flags: Partial<TrainConfig>): TrainConfig {
  const defined = (o: Partial<TrainConfig>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const c = { ...TRAIN_DEFAULTS, ...defined(file), ...defined(flags) } as TrainConfig;
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const v = c[key as keyof TrainConfig];
    if (v === undefined && key === 'firstStageStride') continue;
    need(
      allowed.includes(v as string | number),
      `--${kebab(key)}: expected one of ${allowed.join(', ')}, got ${String(v)}`,
    );
  }
  const posInt = (k: keyof TrainConfig) =>
    need(
      Number.isInteger(c[k]) && (c[k] as number) >= 1,
      `--${kebab(k)}: expected a positive integer, got ${String(c[k])}`,
    );
  const pos = (k: keyof TrainConfig) =>
    need(typeof c[k] === 'number' && (c[k] as number) > 0, `--${kebab(k)}: expected a number > 0, got ${String(c[k])}`);
  const nonNeg = (k: keyof TrainConfig) =>
    need(
      typeof c[k] === 'number' && (c[k] as number) >= 0,
      `--${kebab(k)}: expected a number >= 0, got ${String(c[k])}`,
    );
  for (const k of [
    'trainCount',
    'testCount',
    'ristaSteps',
    'epochs',
    'batchSize',
    'accumulate',
    'attackSteps',
    'monitorCount',
  ] as const)
    posInt(k);
  for (const k of ['width', 'lr', 'eps', 'stepSize'] as const) pos(k);
  for (const k of ['weightDecay', 'l1', 'l2', 'beta', 'crop', 'cutout'] as const) nonNeg(k);
  // pixels: a fractional crop failed at the first training step, naming no flag
  for (const k of ['crop', 'cutout'] as const) {
    need(Number.isInteger(c[k]), `--${k}: expected a whole number of pixels, got ${c[k]}`);
  }
  // a fractional seed trained, but its checkpoint could not be resumed ('seed' must be an integer)
  need(Number.isSafeInteger(c.seed), `--seed: expected an integer, got ${c.seed}`);
  // an empty path (an unset shell variable: --out "$OUT") meant the current folder
  for (const k of ['out', 'dataDir', 'helper'] as const) {
    if (c[k] !== undefined) need(c[k].trim() !== '', `--${kebab(k)}: expected a folder path, got an empty string`);
  }
  // a negative lambda was caught only when the model was built, after the run folder was written
  if (c.lambda !== undefined) nonNeg('lambda');
  need(
    Number.isInteger(c.bnRecalibration) && c.bnRecalibration >= 0,
    `--bn-recalibration: expected an integer >= 0, got ${c.bnRecalibration}`,
  );
  if (c.recomputeStages !== undefined) {
    need(
      c.recomputeStages.every((s) => Number.isInteger(s) && s >= 0 && s <= 4),
      `--recompute-stages: expected stage indices 0-4 (0 = stem, 1-4 = residual stages), got ${c.recomputeStages.join(',')}`,
    );
    need(
      c.conv !== 'standard',
      '--recompute-stages: recomputation is for dictionary layers; the standard ResNet has none (use --conv vanilla, robust or elastic)',
    );
  }
  need(
    c.accumulate <= c.batchSize,
    `--accumulate: expected an integer in [1, --batch-size=${c.batchSize}] (micro-batches per batch), got ${c.accumulate}`,
  );
  need(c.eps <= 1, `--eps: images are in [0, 1], so eps must be <= 1, got ${c.eps}`);
  need(c.momentum >= 0 && c.momentum < 1, `--momentum: expected a number in [0, 1), got ${c.momentum}`);
  need(!(c.nesterov && c.momentum === 0), '--nesterov needs --momentum > 0');
  need(c.switchBeta >= 0 && c.switchBeta <= 1, `--switch-beta: expected a number in [0, 1], got ${c.switchBeta}`);
  need(c.awpGamma > 0 && c.awpGamma < 1, `--awp-gamma: expected a number in (0, 1), got ${c.awpGamma}`);
  if (c.switchEpoch !== undefined) {
    need(
      Number.isInteger(c.switchEpoch) && c.switchEpoch >= 0 && c.switchEpoch <= c.epochs,
      `--switch-epoch: expected an integer in [0, --epochs=${c.epochs}], got ${c.switchEpoch}`,
    );
    need(c.conv === 'vanilla', `--switch-epoch: the vanilla -> elastic switch needs --conv vanilla, got ${c.conv}`);
  }
  if (c.switchLr !== undefined) pos('switchLr');
  if (c.earlyStopping !== undefined) posInt('earlyStopping');
  if (c.mixupAlpha !== undefined) {
    need(
      typeof c.mixupAlpha === 'number' && Number.isFinite(c.mixupAlpha) && c.mixupAlpha > 0,
      `--mixup-alpha: expected a finite number > 0, got ${String(c.mixupAlpha)}`,
    );
    need(
      (c.method === 'standard' || c.method === 'pgd-at') && !c.awp,
      `--mixup-alpha: mixup supports --method standard or pgd-at without --awp, got ${c.method}${c.awp ? ' --awp' : ''}`,
    );
  }
  if (c.method === 'hat') need(c.helper !== undefined, '--method hat needs --helper <dir of a standard-trained model>');
  need(!c.awp || c.method === 'pgd-at' || c.method === 'trades', `--awp wraps pgd-at or trades, not ${c.method}`);
  for (const m of c.milestones) {
    need(Number.isInteger(m) && m >= 1 && m < c.epochs, `--milestones: expected epochs in [1, ${c.epochs}), got ${m}`);
  }
  if (c.threads !== undefined) {
    const cores = availableParallelism();
    need(
      Number.isInteger(c.threads) && c.threads >= 1 && c.threads <= cores,
      `--threads: expected an integer in [1, ${cores}] (the logical cores of this machine; more only slow wasm down), got ${c.threads}`,
    );
  }
  need(
    c.dataset === 'mnist' || c.dataDir !== undefined,
    `--dataset ${c.dataset} needs --data-dir <folder with its files>`,
  );
  return c;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}
