import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackNorm } from '../core/attack.ts';
import { checkEps, checkInRange, checkPositiveInt, invalidOption } from '../core/errors.ts';
import { predictLabelsBatched } from '../core/gradient.ts';
import type { Model } from '../core/model.ts';
import type { ProgressCallback } from '../core/progress.ts';
import { runBatched } from '../core/run-batched.ts';
import type { TrustFlag } from '../core/trust-flag.ts';
import { checkAttackInputs } from '../core/validate-inputs.ts';
import type { LabelledData } from './evaluate-robustness.ts';

/** Options of {@link epsilonSweep}. */
export interface EpsilonSweepOptions {
  /** Samples per attack batch (default 128). */
  batchSize?: number;
  /** Flag when accuracy at the largest eps stays above this fraction (default 0.05). */
  zeroTolerance?: number;
  /** Flag when accuracy rises by more than this fraction from one eps to a larger one (default 0.01). */
  monotoneTolerance?: number;
  /** Progress after each batch, labelled `${attack name} eps=${eps}`. */
  onProgress?: ProgressCallback;
}

/** One point of a robustness curve. */
export interface SweepPoint {
  eps: number;
  accuracy: number;
  seconds: number;
  settings: Record<string, unknown>;
}

/** Result of {@link epsilonSweep}. */
export interface EpsilonSweepResult {
  attack: string;
  norm: AttackNorm;
  cleanAccuracy: number;
  numSamples: number;
  points: SweepPoint[];
  flags: TrustFlag[];
}

/**
 * Robustness curve: accuracy under `makeAttack(eps)` for each eps (ascending), each run on the clean-correct samples.
 * Checks that accuracy does not rise with eps and that it falls towards 0 at the largest eps (an unbounded attack
 * must eventually win; a plateau means masked gradients, as in the l2 eps = 5 plateau of notes section 5).
 */
export async function epsilonSweep(
  model: Model,
  data: LabelledData,
  makeAttack: (eps: number) => Attack,
  epsilons: readonly number[],
  options: EpsilonSweepOptions = {},
): Promise<EpsilonSweepResult> {
  const { x, y } = data;
  const { labels } = await checkAttackInputs(model, x, y);
  if (epsilons.length === 0) invalidOption('epsilons', 'a non-empty list of budgets', '[]');
  epsilons.forEach((e, i) => {
    checkEps(`epsilons[${i}]`, e);
  });
  const sorted = [...epsilons].sort((a, b) => a - b);
  const batchSize = checkPositiveInt('batchSize', options.batchSize ?? 128);
  const zeroTol = checkInRange('zeroTolerance', options.zeroTolerance ?? 0.05, 0, 1);
  const monoTol = checkInRange('monotoneTolerance', options.monotoneTolerance ?? 0.01, 0, 1);
  const n = x.shape[0];
  const correctIdx = (await predictLabelsBatched(model, x, batchSize)).flatMap((p, i) => (p === labels[i] ? [i] : []));
  const cleanAccuracy = correctIdx.length / n;
  const points: SweepPoint[] = [];
  const attackFlags: TrustFlag[] = [];
  let name = '';
  let norm: AttackNorm = 'none';
  const idx = tf.tensor1d(correctIdx, 'int32');
  const xs = correctIdx.length > 0 ? tf.gather(x, idx) : undefined;
  const ys = correctIdx.length > 0 ? (tf.gather(y, idx) as tf.Tensor1D) : undefined;
  idx.dispose();
  try {
    for (const eps of sorted) {
      const attack = makeAttack(eps);
      name = attack.name;
      norm = attack.threat.norm;
      const start = performance.now();
      let fooled = 0;
      if (xs !== undefined && ys !== undefined) {
        const onProgress = options.onProgress;
        const r = await runBatched(
          attack,
          model,
          xs,
          ys,
          batchSize,
          onProgress
            ? { onProgress: (done: number, total: number) => onProgress(done, total, `${attack.name} eps=${eps}`) }
            : {},
        );
        for (const f of r.flags)
          if (!attackFlags.some((g) => g.id === f.id && g.message === f.message)) attackFlags.push(f);
        const pa = await predictLabelsBatched(model, r.xAdv, batchSize);
        correctIdx.forEach((i, j) => {
          if (pa[j] !== labels[i]) fooled++;
        });
        r.xAdv.dispose();
      }
      points.push({
        eps,
        accuracy: (correctIdx.length - fooled) / n,
        seconds: (performance.now() - start) / 1000,
        settings: attack.settings,
      });
    }
  } finally {
    tf.dispose([...(xs ? [xs] : []), ...(ys ? [ys] : [])]);
  }
  const flags: TrustFlag[] = [...attackFlags];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as SweepPoint;
    const b = points[i] as SweepPoint;
    if (b.accuracy > a.accuracy + monoTol) {
      flags.push({
        id: 'accuracy-rises-with-eps',
        severity: 'warning',
        message: `${name}: accuracy rises from ${(100 * a.accuracy).toFixed(2)}% at eps ${a.eps} to ${(100 * b.accuracy).toFixed(2)}% at eps ${b.eps}; a larger budget can only help the attacker.`,
        fix: 'The attack is failing to optimise (masking or a bad step size): use more steps / restarts, a step size that scales with eps, BPDA or EOT.',
      });
    }
  }
  const last = points[points.length - 1] as SweepPoint;
  if (last.accuracy > zeroTol) {
    flags.push({
      id: 'accuracy-not-falling-to-zero',
      severity: 'warning',
      message: `${name}: accuracy is still ${(100 * last.accuracy).toFixed(2)}% at the largest eps ${last.eps}; with a large enough budget any model must reach ~0%.`,
      fix: 'Extend the sweep to a larger eps; if it plateaus, gradients are masked: use BPDA / EOT / more steps, or a gradient-free attack.',
    });
  }
  return { attack: name, norm, cleanAccuracy, numSamples: n, points, flags };
}
