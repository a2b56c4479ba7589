import type { Attack, AttackResult } from '../core/attack.ts';
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
   * for quick, weaker runs (default 1 = the reference). Below 1 the attack is named `autoattack-reduced` and every
   * result carries a 'reduced-budget-autoattack' trust flag: it is not the standard evaluation.
   */
  budget?: number;
  /** Target classes of apgd-t and fab-t (default 9, capped at classes - 1; fewer is a reduced evaluation). */
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
  /** Points it succeeded on (misclassified within the budget). */
  successes: number;
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
}

/** The evaluation summary {@link autoAttack} adds to an {@link AttackResult}. */
export interface AutoAttackSummary {
  /** Fraction of points classified correctly on clean inputs. */
  cleanAccuracy: number;
  /** Fraction of points robust to every attack (never above `cleanAccuracy`). */
  robustAccuracy: number;
  /** Per sample: robust to every attack. */
  robust: boolean[];
  /** One entry per attack, in order. */
  log: AutoAttackLogEntry[];
  /**
   * Final checks. Their findings (AutoAttack `checks.py`: Square succeeding on more than 0.2% of the points after the
   * gradient attacks, prediction flips, a reduced budget) are trust flags in `flags`.
   */
  checks: AutoAttackChecks;
}

/** What {@link autoAttack} returns: an {@link AttackResult} plus the evaluation summary. */
export type AutoAttackResult = AttackResult & AutoAttackSummary;

/** An AutoAttack instance: an {@link Attack} whose `run` resolves to an {@link AutoAttackResult}. */
export type AutoAttack = Attack<AutoAttackResult>;
