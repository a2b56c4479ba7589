import * as tf from '@tensorflow/tfjs';
import { lossAndGradient } from '../core/gradient.ts';
import { perSampleCrossEntropy } from '../core/losses.ts';
import { looksLikeProbabilities, type Model } from '../core/model.ts';
import { readScalars } from '../core/read.ts';
import type { TrustFlag } from '../core/trust-flag.ts';

/** Input-gradient statistics on a clean batch. */
export interface GradientCheck {
  /** Fraction of samples whose input gradient is exactly zero everywhere. */
  zeroFraction: number;
  /** Number of non-finite gradient entries. */
  nonFinite: number;
  /** Mean per-sample l1 norm of the gradient. */
  meanL1: number;
}

/** Measures the cross-entropy input gradient on a clean batch (RobustBench rule 1, AutoAttack check_zero_gradients). */
export async function measureGradients(model: Model, x: tf.Tensor4D, y: tf.Tensor1D): Promise<GradientCheck> {
  const [zero, bad, l1] = tf.tidy(() => {
    const { grad } = lossAndGradient(model, x, tf.cast(y, 'int32') as tf.Tensor1D, perSampleCrossEntropy);
    const flat = tf.reshape(grad, [x.shape[0], -1]);
    const finite = tf.isFinite(flat);
    const safe = tf.where(finite, flat, tf.zerosLike(flat));
    const perL1 = tf.sum(tf.abs(safe), 1);
    return [
      tf.mean(tf.cast(tf.equal(perL1, 0), 'float32')),
      tf.sum(tf.cast(tf.logicalNot(finite), 'int32')),
      tf.mean(perL1),
    ];
  });
  const [zeroFraction = 0, nonFinite = 0, meanL1 = 0] = await readScalars([zero, bad, l1]);
  return { zeroFraction, nonFinite, meanL1 };
}

/** Flags from {@link measureGradients}. */
export function gradientFlags(check: GradientCheck): TrustFlag[] {
  const flags: TrustFlag[] = [];
  if (check.nonFinite > 0) {
    flags.push({
      id: 'non-finite-gradients',
      severity: 'error',
      message: `${check.nonFinite} input-gradient entries are NaN or infinite on clean inputs.`,
      fix: 'Fix the numerics of the model (e.g. divisions by |x| + eps) or attack it through a BPDA surrogate.',
    });
  }
  if (check.zeroFraction > 0) {
    flags.push({
      id: 'zero-gradients',
      severity: check.zeroFraction > 0.5 ? 'error' : 'warning',
      message: `${(100 * check.zeroFraction).toFixed(1)}% of clean samples have an exactly zero input gradient: gradient attacks cannot move them (gradient masking, e.g. quantisation or a non-differentiable step).`,
      fix: 'Attack through bpda(forward, surrogate) (straight-through for quantisers), add a gradient-free attack (Square), and report those numbers.',
    });
  }
  return flags;
}

/** Randomness check (AutoAttack check_randomized): repeated forward passes must agree. */
export interface RandomnessCheck {
  /** Max l2 distance between l2-normalised logits over `repeats` calls. */
  maxLogitDistance: number;
  /** Whether predicted labels changed between calls. */
  predictionsChanged: boolean;
}

/** Runs the model `repeats` times on `x` and compares outputs. */
export async function measureRandomness(model: Model, x: tf.Tensor4D, repeats = 5): Promise<RandomnessCheck> {
  const first = tf.tidy(() => model(x));
  const ref = tf.tidy(() => tf.div(first, tf.add(tf.norm(first, 2, 1, true), 1e-12)));
  const refPred = tf.tidy(() => tf.argMax(first, 1));
  let maxDist = 0;
  let changed = false;
  for (let i = 1; i < repeats; i++) {
    const [d, c] = tf.tidy(() => {
      const z = model(x);
      const zn = tf.div(z, tf.add(tf.norm(z, 2, 1, true), 1e-12));
      return [tf.max(tf.norm(tf.sub(zn, ref), 2, 1)), tf.any(tf.notEqual(tf.argMax(z, 1), refPred))];
    });
    const [dist = 0, anyChanged = 0] = await readScalars([d, c]);
    maxDist = Math.max(maxDist, dist);
    changed = changed || anyChanged !== 0;
  }
  tf.dispose([first, ref, refPred]);
  return { maxLogitDistance: maxDist, predictionsChanged: changed };
}

/** Flags from {@link measureRandomness}. */
export function randomnessFlags(check: RandomnessCheck): TrustFlag[] {
  if (check.maxLogitDistance <= 1e-4 && !check.predictionsChanged) return [];
  return [
    {
      id: 'randomized-model',
      severity: 'warning',
      message: `Repeated forward passes disagree (max distance of normalised logits ${check.maxLogitDistance.toExponential(2)}${check.predictionsChanged ? ', predictions changed' : ''}): the model is randomised (or in training mode), so single-draw attacks underestimate it.`,
      fix: "Attack eot(model, transform, n) (expectation over transformation, e.g. n = 20) and make sure dropout / batch norm run in inference mode (fromLayersModel's training: false).",
    },
  ];
}

/** Flag when outputs look like probabilities (AutoAttack check_range_output). */
export async function probabilityFlags(model: Model, x: tf.Tensor4D): Promise<TrustFlag[]> {
  const z = tf.tidy(() => model(x));
  const probs = await looksLikeProbabilities(z);
  z.dispose();
  if (!probs) return [];
  return [
    {
      id: 'probability-outputs',
      severity: 'warning',
      message:
        'Model outputs lie in [0, 1] and rows sum to 1: they look like probabilities, not logits. Softmax saturation hides gradients and the CW / DLR losses assume logits.',
      fix: 'Pass a model that returns logits (drop the final softmax).',
    },
  ];
}
