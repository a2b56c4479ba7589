import {
  type Attack,
  autoAttack,
  epsilonSweep,
  evaluateRobustness,
  fgsm,
  fromLayersModel,
  pgd,
  type TrustFlag,
} from '@edl/attacks';
import { writeJsonAtomic } from '@edl/attacks/node';
import type { ImageSet } from '@edl/datasets';
import * as tf from '@tensorflow/tfjs';
import { firstIndices, gatherBatch } from '../loop/labelled-images.ts';
import { attackLabel } from './attack-label.ts';

/** The attacks of the comparison table (all L∞ at `eps`). */
export interface AttackSuiteOptions {
  eps: number;
  pgdSteps: number;
  seed: number;
  /**
   * Include AutoAttack ('standard': APGD-CE, APGD-T, FAB-T, Square); an object shortens it: `budget` is the fraction
   * of the reference iterations / queries, `nTargets` the target classes of APGD-T and FAB-T. A shortened run is
   * `autoattack-reduced` and labelled by {@link attackLabel} with what was cut, never "standard".
   */
  autoAttack: boolean | { budget: number; nTargets: number };
  /** Also run CW-L∞ (PGD on the CW margin loss, kappa 50). */
  cw?: boolean;
}

/** Builds the attack list: FGSM, PGD-k (CE, step eps/4, random start), optional CW-L∞ and AutoAttack. */
export function attackSuite(o: AttackSuiteOptions): Attack[] {
  const attacks: Attack[] = [
    fgsm({ eps: o.eps }),
    pgd({ eps: o.eps, stepSize: o.eps / 4, steps: o.pgdSteps, seed: o.seed, name: `pgd-${o.pgdSteps}` }),
  ];
  if (o.cw) {
    attacks.push(
      pgd({ eps: o.eps, stepSize: o.eps / 4, steps: o.pgdSteps, loss: 'cw', seed: o.seed, name: 'cw-linf' }),
    );
  }
  if (o.autoAttack) {
    const short = typeof o.autoAttack === 'object' ? o.autoAttack : null;
    attacks.push(
      autoAttack({
        norm: 'linf',
        eps: o.eps,
        version: 'standard',
        seed: o.seed,
        ...(short ? { budget: short.budget, nTargets: short.nTargets } : {}),
      }),
    );
  }
  return attacks;
}

/** What the CLI prints and reports for one model. */
export interface RobustnessRow {
  clean: number;
  /** Accuracy per attack label ({@link attackLabel}: what ran, e.g. `autoattack (reduced: 10% budget, 3 targets)`). */
  attacks: Record<string, number>;
  /** Per-sample worst case over all attacks. */
  worstCase: number;
  /** Trust-check flags (of `evaluateRobustness`, and of the eps sweep once added). */
  flags: TrustFlag[];
}

/**
 * Runs `@edl/attacks`' `evaluateRobustness` (eval mode) on the first `count` images of `set` and condenses its
 * report; the full JSON report goes to `reportPath`.
 */
export async function evaluateModel(
  model: tf.LayersModel,
  set: ImageSet,
  count: number,
  attacks: Attack[],
  reportPath: string,
): Promise<RobustnessRow> {
  const { x, y } = gatherBatch(set, firstIndices(set, count));
  try {
    const report = await evaluateRobustness(fromLayersModel(model, { training: false }), { x, y }, attacks);
    await writeJsonAtomic(reportPath, report);
    const labels = new Map(attacks.map((a) => [a.name, attackLabel(a)]));
    return {
      clean: report.cleanAccuracy,
      attacks: Object.fromEntries(report.attacks.map((a) => [labels.get(a.name) ?? a.name, a.accuracy])),
      worstCase: report.worstCaseAccuracy,
      flags: report.flags,
    };
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * Accuracy vs L∞ epsilon (PGD-10, step eps/4) through `@edl/attacks`' `epsilonSweep`, whose flags catch curves that
 * rise with eps or do not fall towards 0. The clean accuracy is the eps = 0 point.
 */
export async function sweepModel(
  model: tf.LayersModel,
  set: ImageSet,
  count: number,
  epsilons: number[],
  seed: number,
  reportPath: string,
): Promise<{ points: { eps: number; accuracy: number }[]; flags: TrustFlag[] }> {
  const { x, y } = gatherBatch(set, firstIndices(set, count));
  try {
    const result = await epsilonSweep(
      fromLayersModel(model, { training: false }),
      { x, y },
      (eps) => pgd({ eps, stepSize: eps / 4, steps: 10, seed, name: 'pgd-10' }),
      epsilons,
    );
    await writeJsonAtomic(reportPath, result);
    return {
      points: [
        { eps: 0, accuracy: result.cleanAccuracy },
        ...result.points.map((p) => ({ eps: p.eps, accuracy: p.accuracy })),
      ],
      flags: result.flags,
    };
  } finally {
    tf.dispose([x, y]);
  }
}
