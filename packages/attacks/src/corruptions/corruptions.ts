import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { defineAttack } from '../core/define-attack.ts';
import { AttackError, invalidOption } from '../core/errors.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { checkImages } from '../core/validate-inputs.ts';
import { samplePoisson } from './poisson.ts';

/** Supported random corruptions (CIFAR-10-C noise family). */
export type CorruptionType = 'impulse' | 'gaussian' | 'shot' | 'speckle';

/**
 * CIFAR-10-C severity parameters, severities 1..5 (hendrycks/robustness `ImageNet-C/create_c/make_cifar_c.py`):
 * impulse = salt-and-pepper amount, gaussian = noise std, shot = photons per unit intensity (Poisson rate
 * multiplier), speckle = multiplicative noise std.
 */
export const CIFAR10C_SEVERITIES: Readonly<Record<CorruptionType, readonly number[]>> = {
  impulse: [0.01, 0.02, 0.03, 0.05, 0.07],
  gaussian: [0.04, 0.06, 0.08, 0.09, 0.1],
  shot: [500, 250, 100, 75, 50],
  speckle: [0.06, 0.1, 0.12, 0.16, 0.2],
};

/** Options of {@link corrupt} and {@link corruption}. */
export interface CorruptionOptions {
  /** Which corruption. */
  type: CorruptionType;
  /** CIFAR-10-C severity 1..5 (ignored when `parameter` is given). Default 1. */
  severity?: number;
  /** Raw parameter (amount / std / photon count) instead of a severity level. */
  parameter?: number;
  /** Round down to 8-bit levels like the stored CIFAR-10-C uint8 files (default false). */
  quantize?: boolean;
  /** Seed (default 0). */
  seed?: number;
}

/** The numeric parameter for a corruption at a severity, or the explicit `parameter`. */
export function corruptionParameter(type: CorruptionType, severity = 1, parameter?: number): number {
  const table = CIFAR10C_SEVERITIES[type];
  if (table === undefined) invalidOption('type', 'impulse, gaussian, shot or speckle', type);
  if (parameter !== undefined) {
    if (!(parameter >= 0) || !Number.isFinite(parameter)) invalidOption('parameter', 'a finite number >= 0', parameter);
    if (type === 'shot' && parameter === 0)
      throw new AttackError('invalid-option', 'parameter', 'parameter of shot noise (photon count) must be > 0');
    if (type === 'impulse' && parameter > 1) invalidOption('parameter', 'an impulse amount in [0, 1]', parameter);
    return parameter;
  }
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
    invalidOption('severity', 'an integer in 1..5', severity);
  }
  return table[severity - 1] as number;
}

function corruptValues(data: Float32Array, type: CorruptionType, p: number, rng: Rng): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    let r: number;
    switch (type) {
      case 'impulse': {
        // skimage random_noise(mode='s&p'): each element flips with prob `amount`, to 1 or 0 with prob 1/2.
        const flip = rng.uniform() < p;
        const salt = rng.uniform() < 0.5;
        r = flip ? (salt ? 1 : 0) : v;
        break;
      }
      case 'gaussian':
        r = v + rng.normal(0, p);
        break;
      case 'shot':
        r = samplePoisson(v * p, () => rng.uniform()) / p;
        break;
      case 'speckle':
        r = v + v * rng.normal(0, p);
        break;
    }
    out[i] = Math.min(Math.max(r, 0), 1);
  }
  return out;
}

/**
 * Applies a seeded random corruption to images in [0, 1] and returns a new tensor (values in [0, 1]).
 * The noise is drawn per element (per channel), as in the reference.
 */
export async function corrupt(x: tf.Tensor4D, options: CorruptionOptions, rng?: Rng): Promise<tf.Tensor4D> {
  await checkImages('x', x);
  const p = corruptionParameter(options.type, options.severity ?? 1, options.parameter);
  const source = rng ?? createRng(options.seed ?? 0);
  let values = corruptValues((await x.data()) as Float32Array, options.type, p, source);
  if (options.quantize) values = values.map((v) => Math.floor(v * 255 + 1e-6) / 255);
  return tf.tensor4d(values, x.shape);
}

/**
 * A corruption as an {@link Attack} (norm 'none'): each `run` draws fresh seeded noise (same seed, same output) and
 * reports accuracy under it; `norms` are l2 distances.
 */
export function corruption(options: CorruptionOptions): Attack {
  const p = corruptionParameter(options.type, options.severity ?? 1, options.parameter);
  const seed = options.seed ?? 0;
  const name = `${options.type}-noise${options.parameter === undefined ? `-s${options.severity ?? 1}` : `-${p}`}`;
  return defineAttack({
    name,
    threat: { norm: 'none' },
    family: 'corruption',
    effort: { steps: 0, restarts: 1 },
    settings: {
      type: options.type,
      ...(options.parameter === undefined ? { severity: options.severity ?? 1 } : {}),
      parameter: p,
      quantize: options.quantize ?? false,
      seed,
    },
    run: async ({ x }) => ({ xAdv: await corrupt(x, options, createRng(seed)), queries: 1 }),
  });
}
