import type * as tf from '@tensorflow/tfjs';
import type { Model } from './model.ts';
import type { TrustFlag } from './trust-flag.ts';

/** The norm an attack's budget is measured in ('none' for corruptions). */
export type AttackNorm = 'linf' | 'l2' | 'l1' | 'l0' | 'none';

/** The threat model: the norm of the perturbation and its budget (absent: unbounded, e.g. DeepFool, SparseFool). */
export interface ThreatModel {
  /** Norm of the budget. */
  norm: AttackNorm;
  /** Radius of the allowed ball in `norm`, for images in [0, 1]. */
  eps?: number;
}

/**
 * What kind of attack it is; the trust checks compare attacks by family, never by name. 'gradient': white-box,
 * follows input gradients; 'gradient-free': queries logits only (Square); 'transfer': crafted on a surrogate model;
 * 'corruption': random noise, not an optimisation.
 */
export type AttackFamily = 'gradient' | 'gradient-free' | 'transfer' | 'corruption';

/**
 * How hard an attack tries. `steps`: iterations (gradient steps, or queries for a query-based attack) per run;
 * `restarts`: runs per sample (per target for multi-target attacks); `targets`: target classes tried in turn.
 */
export interface AttackEffort {
  steps: number;
  restarts: number;
  targets?: number;
}

/** What every attack returns. */
export interface AttackResult {
  /** Adversarial images, same shape as the input, inside the budget and the [0, 1] box. Owned by the caller. */
  xAdv: tf.Tensor4D;
  /** Per sample: misclassified at `xAdv` (or classified as the target, for targeted attacks); recomputed. */
  success: boolean[];
  /** Per sample: norm of `xAdv - x` in the threat model's norm (l2 for 'none'). */
  norms: number[];
  /** Model queries (forward passes per sample) used, where the attack counts them. */
  queries?: number;
  /** The attack's own trust findings (e.g. AutoAttack's checks, a reduced budget). Empty when none fired. */
  flags: TrustFlag[];
}

/** A configured attack. Create one with a factory such as `pgd({...})`, or define one with `defineAttack`. */
export interface Attack<R extends AttackResult = AttackResult> {
  /** Short name, e.g. 'pgd-linf'. */
  readonly name: string;
  /** Norm and budget. */
  readonly threat: ThreatModel;
  /** Kind of attack (what the trust checks compare). */
  readonly family: AttackFamily;
  /** Steps and restarts. */
  readonly effort: AttackEffort;
  /** Every setting that determines the result (for reports), seed included, in the reference's names. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Whether success means "classified as the target" (and `run` accepts `targets`). */
  readonly targeted: boolean;
  /**
   * Attacks a batch. `x` in [0, 1] NHWC, `y` integer labels, `targets` (targeted attacks only) target labels, each
   * different from `y`. Validates its inputs, and always re-projects, checks and re-judges its output. Never disposes
   * its inputs.
   */
  run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, targets?: tf.Tensor1D): Promise<R>;
}
