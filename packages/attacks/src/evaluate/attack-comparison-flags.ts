import type { AttackSummary } from '../core/attack-summary.ts';
import { checkInRange } from '../core/errors.ts';
import { NORM_TOLERANCE } from '../core/finalize-result.ts';
import type { TrustFlag } from '../core/trust-flag.ts';

/** Thresholds of {@link attackComparisonFlags}, as fractions of accuracy in [0, 1]. */
export interface ComparisonThresholds {
  /** Flag a gradient-free attack that beats the best gradient attack by more than this (default 0.002, AutoAttack). */
  blackBoxMargin?: number;
  /** Flag a single-step attack beating a multi-step one at the same budget by more than this (default 0). */
  fgsmMargin?: number;
}

/** Total optimisation effort: steps x restarts x targets. */
const effortOf = (a: AttackSummary) => a.effort.steps * a.effort.restarts * Math.max(1, a.effort.targets ?? 1);
const isGradient = (a: AttackSummary) => a.family === 'gradient' && a.threat.norm !== 'none';
const isSingleStep = (a: AttackSummary) => isGradient(a) && effortOf(a) === 1;
const isMultiStep = (a: AttackSummary) => isGradient(a) && a.effort.steps > 1;
const isGradientFree = (a: AttackSummary) => a.family === 'gradient-free';
const sameBudget = (a: AttackSummary, b: AttackSummary) =>
  a.threat.norm === b.threat.norm &&
  a.threat.eps !== undefined &&
  b.threat.eps !== undefined &&
  Math.abs(a.threat.eps - b.threat.eps) <= 1e-9 * Math.max(1, a.threat.eps);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/**
 * Checks that compare attacks (AutoAttack checks.py, RobustBench rules, notes section 5): robust accuracy above
 * clean, budget or box violations, attacks that disagree with the evaluator, FGSM stronger than multi-step attacks
 * (masking), a PGD with more steps x restarts weaker than one with fewer, and a gradient-free attack beating the
 * gradient attacks.
 */
export function attackComparisonFlags(
  clean: number,
  attacks: readonly AttackSummary[],
  thresholds: ComparisonThresholds = {},
): TrustFlag[] {
  const blackBox = checkInRange('blackBoxMargin', thresholds.blackBoxMargin ?? 0.002, 0, 1);
  const fgsmMargin = checkInRange('fgsmMargin', thresholds.fgsmMargin ?? 0, 0, 1);
  const flags: TrustFlag[] = [];
  for (const a of attacks) {
    if (a.accuracy > clean + 1e-12) {
      flags.push({
        id: 'robust-above-clean',
        severity: 'error',
        message: `${a.name}: accuracy under attack ${pct(a.accuracy)} is above clean accuracy ${pct(clean)}.`,
        fix: 'A bug in the evaluation or a randomised model: evaluate attacks only from clean-correct points and check determinism.',
      });
    }
    const eps = a.threat.eps;
    if (eps !== undefined && a.threat.norm !== 'none' && a.maxNorm > eps + NORM_TOLERANCE * Math.max(1, eps)) {
      flags.push({
        id: 'budget-violation',
        severity: 'error',
        message: `${a.name}: a perturbation has ${a.threat.norm} norm ${a.maxNorm} > eps ${eps}.`,
        fix: 'The attack must project onto the eps-ball; do not report this number.',
      });
    }
    if (a.pixelRange[0] < 0 || a.pixelRange[1] > 1 || Number.isNaN(a.pixelRange[0])) {
      flags.push({
        id: 'box-violation',
        severity: 'error',
        message: `${a.name}: adversarial pixels span [${a.pixelRange[0]}, ${a.pixelRange[1]}], outside [0, 1].`,
        fix: 'Clip adversarial images to the valid box; do not report this number.',
      });
    }
    if (a.inconsistent > 0) {
      flags.push({
        id: 'inconsistent-success',
        severity: 'warning',
        message: `${a.name}: for ${a.inconsistent} samples the attack's success disagrees with a fresh prediction on its own output.`,
        fix: 'The model is probably randomised: use eot(...) and report worst cases over several draws.',
      });
    }
  }
  for (const f of attacks.filter(isSingleStep)) {
    for (const p of attacks.filter((b) => isMultiStep(b) && sameBudget(b, f))) {
      if (f.accuracy < p.accuracy - fgsmMargin) {
        flags.push({
          id: 'fgsm-stronger-than-pgd',
          severity: 'warning',
          message: `${f.name} (${pct(f.accuracy)}) is stronger than the multi-step ${p.name} (${pct(p.accuracy)}) at ${f.threat.norm} eps ${f.threat.eps}: iterating the gradient makes the attack weaker, a sign of gradient masking.`,
          fix: 'Use more PGD steps and restarts with a smaller step, a margin (cw) or dlr loss, and BPDA through non-differentiable parts.',
        });
      }
    }
  }
  const multi = attacks.filter(isMultiStep);
  for (const weak of multi) {
    for (const strong of multi) {
      const sameLoss =
        weak.settings.loss === strong.settings.loss && weak.settings.targeted === strong.settings.targeted;
      if (!sameLoss || !sameBudget(weak, strong) || effortOf(strong) <= effortOf(weak)) continue;
      if (strong.accuracy > weak.accuracy + fgsmMargin) {
        flags.push({
          id: 'more-steps-weaker',
          severity: 'warning',
          message: `${strong.name} (${effortOf(strong)} steps x restarts x targets, ${pct(strong.accuracy)}) is weaker than ${weak.name} (${effortOf(weak)}, ${pct(weak.accuracy)}) at the same budget and loss: more optimisation should never help the model.`,
          fix: 'Check the step size (it should shrink as steps grow), use restarts, and look for gradient masking (BPDA / EOT).',
        });
      }
    }
  }
  for (const g of attacks.filter(isGradientFree)) {
    const white = attacks.filter((b) => isGradient(b) && sameBudget(b, g));
    if (white.length === 0) continue;
    const best = Math.min(...white.map((b) => b.accuracy));
    if (g.accuracy < best - blackBox) {
      flags.push({
        id: 'black-box-beats-white-box',
        severity: 'warning',
        message: `Gradient-free ${g.name} (${pct(g.accuracy)}) beats the best gradient attack (${pct(best)}) by more than ${pct(blackBox)}: gradients are not informative (masking).`,
        fix: 'Attack with BPDA / EOT and more steps; report the worst case including the gradient-free attack.',
      });
    }
  }
  return flags;
}
