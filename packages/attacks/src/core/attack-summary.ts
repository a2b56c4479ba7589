import type { AttackEffort, AttackFamily, ThreatModel } from './attack.ts';

/** Per-attack numbers in a robustness report. */
export interface AttackSummary {
  /** Attack name. */
  name: string;
  /** Norm and budget. */
  threat: ThreatModel;
  /** Kind of attack. */
  family: AttackFamily;
  /** Steps and restarts. */
  effort: AttackEffort;
  /** Every setting of the attack (seed included). */
  settings: Record<string, unknown>;
  /** Accuracy over all samples under this attack alone (clean-misclassified samples count as errors), in [0, 1]. */
  accuracy: number;
  /** Clean-correct samples attacked. */
  attacked: number;
  /** Of those, how many the model misclassifies at the returned point (recomputed by the evaluator). */
  successes: number;
  /** Wall-clock seconds of the attack. */
  seconds: number;
  /** Largest perturbation norm among returned points (l2 for norm 'none'). */
  maxNorm: number;
  /** Smallest and largest pixel value among returned points. */
  pixelRange: [number, number];
  /** Samples where the attack's own success flag disagrees with the evaluator's recomputation. */
  inconsistent: number;
  /** Mean queries per sample, when the attack reports them. */
  queries?: number;
}
