import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import type { AttackSummary } from '../core/attack-summary.ts';
import { checkPositiveInt } from '../core/errors.ts';
import { predictLabelsBatched } from '../core/gradient.ts';
import type { Model } from '../core/model.ts';
import type { ProgressCallback } from '../core/progress.ts';
import { perSampleNorm } from '../core/projections.ts';
import { readScalars, readValues } from '../core/read.ts';
import { runBatched } from '../core/run-batched.ts';
import type { TrustFlag } from '../core/trust-flag.ts';
import { checkAttackInputs } from '../core/validate-inputs.ts';
import { attackComparisonFlags, type ComparisonThresholds } from './attack-comparison-flags.ts';
import {
  type GradientCheck,
  gradientFlags,
  measureGradients,
  measureRandomness,
  probabilityFlags,
  type RandomnessCheck,
  randomnessFlags,
} from './trust-checks.ts';

/** Labelled evaluation data: images in [0, 1] NHWC and integer labels. */
export interface LabelledData {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

/** Options of {@link evaluateRobustness}. */
export interface EvaluateOptions extends ComparisonThresholds {
  /** Samples per attack batch (default 128). */
  batchSize?: number;
  /**
   * Progress after each batch: samples done and total of the current attack, labelled with its name. In Node,
   * `terminalProgress()` from `@edl/attacks/node` draws a bar.
   */
  onProgress?: ProgressCallback;
  /** Samples used by the gradient, randomness and output-range checks (default 64). */
  checkSamples?: number;
  /** Free-form metadata copied into the report (model name, data set...). */
  metadata?: Record<string, unknown>;
}

/** The JSON report of {@link evaluateRobustness}. */
export interface RobustnessReport {
  /** Report format version. */
  version: 1;
  /** ISO time the evaluation finished. */
  createdAt: string;
  /** Number of evaluated samples. */
  numSamples: number;
  /** Number of classes of the model. */
  numClasses: number;
  /** Clean accuracy. */
  cleanAccuracy: number;
  /** Worst case per sample over all attacks: correct on clean input and not fooled by any attack. */
  worstCaseAccuracy: number;
  /** Per-attack numbers (each attack runs on every clean-correct sample). */
  attacks: AttackSummary[];
  /** Raw trust-check measurements. */
  checks: { gradients: GradientCheck; randomness: RandomnessCheck; checkSamples: number };
  /**
   * Trust-check findings (the evaluator's checks and every attack's own, e.g. AutoAttack's); an empty list means no
   * check fired.
   */
  flags: TrustFlag[];
  /** Per sample: robust under every attack. */
  robust: boolean[];
  /** Total seconds. */
  seconds: number;
  /** Caller metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Evaluates `model` under every attack in `attacks` (each on all clean-correct samples, so per-attack numbers are
 * comparable), computes the per-sample worst case, and runs the trust checks: robust accuracy above clean, FGSM
 * stronger than PGD, gradient-free beating gradient attacks, zero / non-finite input gradients, budget and box
 * violations, probability outputs, randomised model. Returns a JSON-ready report (in Node, save it with
 * `writeJsonAtomic` from `@edl/attacks/node`).
 */
export async function evaluateRobustness(
  model: Model,
  data: LabelledData,
  attacks: readonly Attack[],
  options: EvaluateOptions = {},
): Promise<RobustnessReport> {
  const t0 = performance.now();
  const { x, y } = data;
  const { numClasses, labels } = await checkAttackInputs(model, x, y);
  const batchSize = checkPositiveInt('batchSize', options.batchSize ?? 128);
  const checkSamples = Math.min(checkPositiveInt('checkSamples', options.checkSamples ?? 64), x.shape[0]);
  const n = x.shape[0];

  const xc = tf.slice(x, [0, 0, 0, 0], [checkSamples, -1, -1, -1]);
  const yc = tf.slice(y, [0], [checkSamples]);
  const gradients = await measureGradients(model, xc, yc);
  const randomness = await measureRandomness(model, xc);
  const flags: TrustFlag[] = [
    ...(await probabilityFlags(model, xc)),
    ...gradientFlags(gradients),
    ...randomnessFlags(randomness),
  ];
  tf.dispose([xc, yc]);

  const cleanPred = await predictLabelsBatched(model, x, batchSize);
  const correctIdx = cleanPred.flatMap((p, i) => (p === labels[i] ? [i] : []));
  const cleanAccuracy = correctIdx.length / n;
  const robust = cleanPred.map((p, i) => p === labels[i]);
  const summaries: AttackSummary[] = [];
  const idx = tf.tensor1d(correctIdx, 'int32');
  const xs = correctIdx.length > 0 ? tf.gather(x, idx) : undefined;
  const ys = correctIdx.length > 0 ? (tf.gather(y, idx) as tf.Tensor1D) : undefined;
  idx.dispose();
  try {
    for (const attack of attacks) {
      const start = performance.now();
      const base = {
        name: attack.name,
        threat: attack.threat,
        family: attack.family,
        effort: attack.effort,
        settings: { ...attack.settings },
      };
      if (xs === undefined || ys === undefined) {
        summaries.push({
          ...base,
          accuracy: 0,
          attacked: 0,
          successes: 0,
          seconds: 0,
          maxNorm: 0,
          pixelRange: [0, 0],
          inconsistent: 0,
        });
        continue;
      }
      const result = await runBatched(
        attack,
        model,
        xs,
        ys,
        batchSize,
        options.onProgress ? { onProgress: options.onProgress } : {},
      );
      const seconds = (performance.now() - start) / 1000;
      const advPred = await predictLabelsBatched(model, result.xAdv, batchSize);
      const measured = attack.threat.norm === 'none' ? 'l2' : attack.threat.norm;
      const [normsT, lo, hi] = tf.tidy(() => [
        perSampleNorm(tf.sub(result.xAdv, xs), measured),
        tf.min(result.xAdv),
        tf.max(result.xAdv),
      ]);
      const norms = await readValues(normsT);
      const [min = Number.NaN, max = Number.NaN] = await readScalars([lo, hi]);
      const pixelRange: [number, number] = [min, max];
      result.xAdv.dispose();
      for (const f of result.flags) {
        if (!flags.some((g) => g.id === f.id && g.message === f.message && g.source === f.source)) flags.push(f);
      }
      let successes = 0;
      let inconsistent = 0;
      advPred.forEach((p, j) => {
        const i = correctIdx[j] ?? 0;
        const wrong = p !== labels[i];
        if (wrong) {
          successes++;
          robust[i] = false;
        }
        if (!attack.targeted && result.success[j] !== wrong) inconsistent++;
      });
      summaries.push({
        ...base,
        accuracy: (correctIdx.length - successes) / n,
        attacked: correctIdx.length,
        successes,
        seconds,
        maxNorm: norms.reduce((m, v) => Math.max(m, Number.isNaN(v) ? Number.POSITIVE_INFINITY : v), 0),
        pixelRange,
        inconsistent,
        ...(result.queries !== undefined ? { queries: result.queries } : {}),
      });
    }
  } finally {
    tf.dispose([...(xs ? [xs] : []), ...(ys ? [ys] : [])]);
  }
  flags.push(...attackComparisonFlags(cleanAccuracy, summaries, options));
  const report: RobustnessReport = {
    version: 1,
    createdAt: new Date().toISOString(),
    numSamples: n,
    numClasses,
    cleanAccuracy,
    worstCaseAccuracy: robust.filter(Boolean).length / n,
    attacks: summaries,
    checks: { gradients, randomness, checkSamples },
    flags,
    robust,
    seconds: (performance.now() - t0) / 1000,
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  return report;
}
