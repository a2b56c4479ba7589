import * as tf from '@tensorflow/tfjs';
import { lossAndGradient } from '../core/gradient.ts';
import type { LossFn } from '../core/losses.ts';
import type { Model } from '../core/model.ts';
import { perSampleNorm, perSampleShape, project } from '../core/projections.ts';
import { createRng, type Rng } from '../core/rng.ts';
import { selectSamples } from '../core/select-samples.ts';

/**
 * Where PGD starts: `'uniform'` draws U(-eps, eps) for l-inf and eps*r*n/||n|| with n~N(0, I), r~U(0, 1) for l2
 * (Madry et al.); `{ normalStd }` starts at x + normalStd*N(0, I) (the TRADES / MART inner attack, normalStd 0.001),
 * projected into the ball and the box; `'none'` starts at x.
 */
export type PgdStart = 'uniform' | 'none' | { normalStd: number };

/** Seeded random start of PGD (see {@link PgdStart}); tidy. */
export function pgdStart(x: tf.Tensor4D, eps: number, norm: 'linf' | 'l2', start: PgdStart, rng: Rng): tf.Tensor4D {
  return tf.tidy(() => {
    if (start === 'none' || eps === 0) return tf.clone(x);
    if (start !== 'uniform') return project(tf.add(x, rng.normalTensor(x.shape, 0, start.normalStd)), x, eps, norm);
    if (norm === 'linf') return tf.clipByValue(tf.add(x, rng.uniformTensor(x.shape, -eps, eps)), 0, 1) as tf.Tensor4D;
    const n = rng.normalTensor<tf.Tensor4D>(x.shape);
    const r = rng.uniformTensor<tf.Tensor1D>([x.shape[0]]);
    const scale = perSampleShape(tf.div(tf.mul(r, eps), tf.add(perSampleNorm(n, 'l2'), 1e-12)) as tf.Tensor1D, 4);
    return tf.clipByValue(tf.add(x, tf.mul(n, scale)), 0, 1) as tf.Tensor4D;
  });
}

/** Settings of one PGD step ({@link pgdStep}). */
export interface PgdStepOptions {
  norm: 'linf' | 'l2';
  eps: number;
  stepSize: number;
  lossFn: LossFn;
  /** Labels the loss compares with (true labels). */
  y?: tf.Tensor1D;
  /** Target labels passed to the loss (targeted attacks). */
  targets?: tf.Tensor1D;
}

/**
 * One PGD step at `xAdv` around `x`: `Π(xAdv + stepSize * sign(g))` (l-inf) or `Π(xAdv + stepSize * g / ||g||_2)`
 * (l2), g the input gradient of the summed loss, Π the projection onto the eps-ball and the [0, 1] box. Returns the
 * next iterate with the loss and logits at `xAdv`. Reads nothing from the device. The caller owns the tensors.
 */
export function pgdStep(
  model: Model,
  x: tf.Tensor4D,
  xAdv: tf.Tensor4D,
  options: PgdStepOptions,
): { next: tf.Tensor4D; loss: tf.Tensor1D; logits: tf.Tensor2D } {
  const { norm, eps, stepSize } = options;
  return tf.tidy(() => {
    const labels = options.y ?? (tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D);
    const { loss, grad, logits } = lossAndGradient(model, xAdv, labels, options.lossFn, options.targets);
    let moved: tf.Tensor4D;
    if (norm === 'linf') moved = tf.add(xAdv, tf.mul(tf.sign(grad), stepSize));
    else {
      const g = perSampleShape(perSampleNorm(grad, 'l2'), 4);
      moved = tf.add(xAdv, tf.mul(tf.div(grad, tf.add(g, 1e-10)), stepSize));
    }
    return { next: project(moved, x, eps, norm), loss, logits };
  });
}

/** Options of {@link pgdAscent}. */
export interface PgdAscentOptions {
  /** 'linf' or 'l2'. */
  norm: 'linf' | 'l2';
  /** Radius of the ball. */
  eps: number;
  /** Step size. */
  stepSize: number;
  /** Number of steps (0 returns the start point). */
  steps: number;
  /** Per-sample loss to maximise; `y` and `targets` are passed through to it. */
  lossFn: LossFn;
  /** Start (default 'uniform'). */
  start?: PgdStart;
  /** Seed of the random start (default 0). */
  seed?: number;
  /** Labels passed to the loss. */
  y?: tf.Tensor1D;
  /** Target labels passed to the loss. */
  targets?: tf.Tensor1D;
  /** Freeze a sample once this returns true for it (per-sample 0/1 mask from the logits); reads nothing. */
  freeze?: (logits: tf.Tensor2D) => tf.Tensor1D;
}

/**
 * Projected gradient ascent (Madry et al. 2018), the PGD core shared by the `pgd` attack and adversarial training:
 * seeded start, `steps` steps of {@link pgdStep}, returns the last iterate. Synchronous and read-free (no device
 * read in the loop), tidy-clean; it does not validate its inputs (the `pgd` attack does). The caller owns the result.
 */
export function pgdAscent(model: Model, x: tf.Tensor4D, options: PgdAscentOptions): tf.Tensor4D {
  const { norm, eps, steps } = options;
  let xAdv = pgdStart(x, eps, norm, options.start ?? 'uniform', createRng(options.seed ?? 0));
  const stepOptions: PgdStepOptions = {
    norm,
    eps,
    stepSize: options.stepSize,
    lossFn: options.lossFn,
    ...(options.y ? { y: options.y } : {}),
    ...(options.targets ? { targets: options.targets } : {}),
  };
  for (let step = 0; step < steps; step++) {
    const out = pgdStep(model, x, xAdv, stepOptions);
    let next = out.next;
    if (options.freeze) {
      const frozen = tf.tidy(() =>
        selectSamples((options.freeze as (l: tf.Tensor2D) => tf.Tensor1D)(out.logits), xAdv, next),
      );
      next.dispose();
      next = frozen;
    }
    tf.dispose([xAdv, out.loss, out.logits]);
    xAdv = next;
  }
  return xAdv;
}
