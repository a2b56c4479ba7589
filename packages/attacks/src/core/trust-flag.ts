/** Severity of a trust-check finding. */
export type FlagSeverity = 'info' | 'warning' | 'error';

/** A finding of the trust checks: something that makes a robustness number doubtful. */
export interface TrustFlag {
  /** Stable identifier, e.g. 'fgsm-stronger-than-pgd'. */
  id: string;
  /** 'error': the number is wrong or meaningless; 'warning': likely gradient masking or similar; 'info': note. */
  severity: FlagSeverity;
  /** What was observed, with the numbers. */
  message: string;
  /** What to do about it (BPDA, EOT, more steps...). */
  fix: string;
  /** The attack that raised it, when an attack's own checks did (e.g. AutoAttack's). */
  source?: string;
}
