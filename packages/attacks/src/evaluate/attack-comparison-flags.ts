import type { AttackSummary } from '../core/attack-summary.ts';
import { NORM_TOLERANCE } from '../core/finalize-result.ts';
import type { TrustFlag } from './trust-flag.ts';

/** Thresholds of {@link attackComparisonFlags}, in percentage points of accuracy. */
export interface ComparisonThresholds {
  /** Flag a gradient-free attack that beats the best white-box attack by more than this (default 0.2 pp, AutoAttack). */
  blackBoxMarginPp?: number;
  /** Flag FGSM beating multi-step PGD/APGD at the same budget by more than this (default 0 pp). */
  fgsmMarginPp?: number;
}

const isSingleStep = (a: AttackSummary) => a.name.startsWith('fgsm');
const isMultiStep = (a: AttackSummary) =>
  /^(pgd|apgd)/.test(a.name) || (typeof a.settings.steps === 'number' && a.settings.steps > 1 && !isGradientFree(a));
const isGradientFree = (a: AttackSummary) => a.name.includes('square') || a.settings.gradientFree === true;
const isWhiteBox = (a: AttackSummary) =>
  a.norm !== 'none' && !isGradientFree(a) && !a.name.startsWith('transfer(') && !a.name.startsWith('corrupt');
const sameBudget = (a: AttackSummary, b: AttackSummary) =>
  a.norm === b.norm &&
  a.eps !== undefined &&
  b.eps !== undefined &&
  Math.abs(a.eps - b.eps) <= 1e-9 * Math.max(1, a.eps);
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
  const blackBox = (thresholds.blackBoxMarginPp ?? 0.2) / 100;
  const fgsmMargin = (thresholds.fgsmMarginPp ?? 0) / 100;
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
    const budgeted = a.eps !== undefined && a.norm !== 'none';
    if (budgeted && a.maxNorm > (a.eps ?? 0) + NORM_TOLERANCE * Math.max(1, a.eps ?? 0)) {
      flags.push({
        id: 'budget-violation',
        severity: 'error',
        message: `${a.name}: a perturbation has ${a.norm} norm ${a.maxNorm} > eps ${a.eps}.`,
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
          message: `${f.name} (${pct(f.accuracy)}) is stronger than the multi-step ${p.name} (${pct(p.accuracy)}) at ${f.norm} eps ${f.eps}: iterating the gradient makes the attack weaker, a sign of gradient masking.`,
          fix: 'Use more PGD steps and restarts with a smaller step, a margin (cw) or dlr loss, and BPDA through non-differentiable parts.',
        });
      }
    }
  }
  const effort = (a: AttackSummary) =>
    (typeof a.settings.steps === 'number' ? a.settings.steps : 0) *
    (typeof a.settings.restarts === 'number' ? a.settings.restarts : 1);
  const pgds = attacks.filter((a) => a.name.startsWith('pgd') && effort(a) > 0);
  for (const weak of pgds) {
    for (const strong of pgds) {
      const sameLoss =
        weak.settings.loss === strong.settings.loss && weak.settings.targeted === strong.settings.targeted;
      if (!sameLoss || !sameBudget(weak, strong) || effort(strong) <= effort(weak)) continue;
      if (strong.accuracy > weak.accuracy + fgsmMargin) {
        flags.push({
          id: 'more-steps-weaker',
          severity: 'warning',
          message: `${strong.name} (${effort(strong)} steps x restarts, ${pct(strong.accuracy)}) is weaker than ${weak.name} (${effort(weak)}, ${pct(weak.accuracy)}) at the same budget: more optimisation should never help the model.`,
          fix: 'Check the step size (it should shrink as steps grow), use restarts, and look for gradient masking (BPDA / EOT).',
        });
      }
    }
  }
  for (const g of attacks.filter(isGradientFree)) {
    const white = attacks.filter((b) => isWhiteBox(b) && sameBudget(b, g));
    if (white.length === 0) continue;
    const best = Math.min(...white.map((b) => b.accuracy));
    if (g.accuracy < best - blackBox) {
      flags.push({
        id: 'black-box-beats-white-box',
        severity: 'warning',
        message: `Gradient-free ${g.name} (${pct(g.accuracy)}) beats the best gradient attack (${pct(best)}) by more than ${(100 * blackBox).toFixed(2)} pp: gradients are not informative (masking).`,
        fix: 'Attack with BPDA / EOT and more steps; report the worst case including the gradient-free attack.',
      });
    }
  }
  return flags;
}
