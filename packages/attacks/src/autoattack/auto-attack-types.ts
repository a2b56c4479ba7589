import type * as tf from '@tensorflow/tfjs';
import type { Attack, AttackResult } from '../core/attack.ts';
import type { Model } from '../core/model.ts';
import type { ProgressCallback } from '../core/progress.ts';

/** The attacks AutoAttack can compose. */
export type AutoAttackName = 'apgd-ce' | 'apgd-dlr' | 'apgd-t' | 'fab-t' | 'square';

/** Which ensemble to run: the reference 'standard' or 'rand' lists, or 'custom' (give `attacks`). */
export type AutoAttackVersion = 'standard' | 'rand' | 'custom';

/** Options of {@link autoAttack}. */
export interface AutoAttackOptions {
  /** Threat model. */
  norm: 'linf' | 'l2';
  /** Budget. */
  eps: number;
  /** 'standard' (default): apgd-ce, apgd-t, fab-t, square; 'rand': apgd-ce, apgd-dlr with EOT 20; 'custom'. */
  version?: AutoAttackVersion;
  /** The attacks to run, in order; required for 'custom', not allowed otherwise. */
  attacks?: AutoAttackName[];
  /** Seed given to every attack (default 0). Same seed, same result. */
  seed?: number;
  /** Points per sub-attack call (default 250, the reference `bs`). */
  batchSize?: number;
  /**
   * Fraction in (0, 1] of the reference iteration and query counts (APGD / FAB 100 iterations, Square 5000 queries),
   * for quick, weaker runs (default 1 = the reference). Recorded in the settings.
   */
  budget?: number;
  /** Target classes of apgd-t and fab-t (default 9, capped at classes - 1). */
  nTargets?: number;
  /** EOT iterations of the APGD attacks (default 1 for 'standard' / 'custom', 20 for 'rand'). */
  eotIter?: number;
  /** Called after each attack with its log entry. */
  onLog?: (entry: AutoAttackLogEntry) => void;
  /** Progress after each batch of each sub-attack: points done and total, labelled with the sub-attack's name. */
  onProgress?: ProgressCallback;
}

/** One line of the per-attack log. */
export interface AutoAttackLogEntry {
  /** Attack name. */
  attack: AutoAttackName;
  /** Points attacked (those still robust before it). */
  attacked: number;
  /** Points it fooled. */
  fooled: number;
  /** Robust accuracy over all points after it (cumulative worst case). */
  robustAccuracy: number;
  /** Wall time in seconds. */
  seconds: number;
  /** The settings it ran with. */
  settings: Record<string, unknown>;
}

/** The final sanity checks of the reference (max perturbation, NaN count, range of the adversarial images). */
export interface AutoAttackChecks {
  /** Largest perturbation norm over all points (in the attack's norm). */
  maxNorm: number;
  /** Number of NaN values in the adversarial images. */
  nanCount: number;
  /** Smallest value in the adversarial images. */
  min: number;
  /** Largest value in the adversarial images. */
  max: number;
  /** Points whose recomputed prediction disagrees with the tracked robust flag (non-zero hints at a randomised model). */
  disagreements: number;
  /**
   * Human-readable warnings (AutoAttack `checks.py`): Square, a gradient-free attack, fooling more than 0.2% of the
   * points after the gradient attacks (`check_square_sr`: likely gradient masking), and disagreements.
   */
  warnings: string[];
}

/** What {@link autoAttack} returns: an {@link AttackResult} plus the evaluation summary. */
export interface AutoAttackResult extends AttackResult {
  /** Fraction of points classified correctly on clean inputs. */
  cleanAccuracy: number;
  /** Fraction of points robust to every attack (never above `cleanAccuracy`). */
  robustAccuracy: number;
  /** Per sample: robust to every attack. */
  robust: boolean[];
  /** One entry per attack, in order. */
  log: AutoAttackLogEntry[];
  /** Final checks. */
  checks: AutoAttackChecks;
}

/** An AutoAttack instance: an {@link Attack} whose `run` resolves to an {@link AutoAttackResult}. */
export interface AutoAttack extends Attack {
  run(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<AutoAttackResult>;
}
