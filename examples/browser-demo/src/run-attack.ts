import {
  type Attack,
  type AutoAttackLogEntry,
  type AutoAttackResult,
  autoAttack,
  fgsm,
  type Model,
  pgd,
} from '@edl/attacks';
import * as tf from '@tensorflow/tfjs';

/** The attacks the page offers. */
export type AttackKind = 'fgsm' | 'pgd' | 'autoattack' | 'autoattack-full';

/** What the controls ask for. */
export interface AttackSettings {
  kind: AttackKind;
  /** l-inf budget, pixels in [0, 1]. */
  eps: number;
  /** PGD iterations. */
  steps: number;
}

/** Fraction of AutoAttack's reference iterations and queries in the reduced version, and its target classes. */
export const REDUCED_AUTOATTACK = { budget: 0.1, nTargets: 3 } as const;

/** PGD step size: 2.5 eps / steps (Madry et al.), at most eps. */
export function pgdStepSize(eps: number, steps: number): number {
  return Math.min(eps, (2.5 * eps) / steps);
}

/** The configured attack of `@edl/attacks` for these settings (seeded: the same settings give the same result). */
export function makeAttack(s: AttackSettings): Attack {
  switch (s.kind) {
    case 'fgsm':
      return fgsm({ eps: s.eps });
    case 'pgd':
      return pgd({ eps: s.eps, stepSize: pgdStepSize(s.eps, s.steps), steps: s.steps, seed: 0 });
    case 'autoattack':
      return autoAttack({ norm: 'linf', eps: s.eps, version: 'standard', ...REDUCED_AUTOATTACK, seed: 0 });
    case 'autoattack-full':
      return autoAttack({ norm: 'linf', eps: s.eps, version: 'standard', seed: 0 });
  }
}

/** One line describing exactly what runs, shown under the controls. */
export function describeAttack(s: AttackSettings): string {
  const eps = s.eps.toFixed(3);
  switch (s.kind) {
    case 'fgsm':
      return `FGSM: one signed-gradient step of size ε = ${eps} on the cross-entropy, clipped to [0, 1].`;
    case 'pgd': {
      const step = pgdStepSize(s.eps, s.steps);
      return `PGD-${s.steps}: uniform random start in the ε-ball, ${s.steps} signed-gradient steps of ${step.toFixed(4)} (2.5ε/steps), cross-entropy, projected to the ε-ball and [0, 1].`;
    }
    case 'autoattack':
      return `AutoAttack, REDUCED (not the standard evaluation): the standard attack list APGD-CE, APGD-T, FAB-T, Square, each on the points still robust, with ${100 * REDUCED_AUTOATTACK.budget}% of the reference iterations (APGD/FAB 10 instead of 100, Square 500 queries instead of 5000) and ${REDUCED_AUTOATTACK.nTargets} target classes instead of 9. Weaker than the reference: an upper bound on robustness.`;
    case 'autoattack-full':
      return 'AutoAttack, standard version, full reference budget: APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5000 queries). Can take a minute per robust digit on a CPU backend.';
  }
}

/** The outcome of one attack call, read back to plain arrays. */
export interface AttackOutcome {
  /** Adversarial images, one per input, values in [0, 1]. */
  adversarial: Float32Array[];
  /** Softmax of the model at the clean and at the adversarial images. */
  cleanProbabilities: number[][];
  adversarialProbabilities: number[][];
  /** Per image: the prediction at the adversarial image is wrong. */
  fooled: boolean[];
  /** Per image, measured here on the returned images: max |x' - x| and ||x' - x||_2. */
  linf: number[];
  l2: number[];
  /** Wall time of the attack call and the read-back, ms. */
  milliseconds: number;
  /** AutoAttack's per-attack log. */
  log?: AutoAttackLogEntry[];
}

async function softmaxRows(model: Model, x: tf.Tensor4D): Promise<number[][]> {
  const p = tf.tidy(() => tf.softmax(model(x)));
  const rows = (await p.array()) as number[][];
  p.dispose();
  return rows;
}

/**
 * Attacks `images` (each height*width, one channel) with true `labels`, then measures the perturbations and the
 * predictions. Never leaves tensors behind.
 */
export async function runAttack(
  model: Model,
  images: Float32Array[],
  labels: number[],
  shape: { height: number; width: number },
  settings: AttackSettings,
): Promise<AttackOutcome> {
  const n = images.length;
  const pixels = shape.height * shape.width;
  const flat = new Float32Array(n * pixels);
  images.forEach((img, i) => {
    flat.set(img, i * pixels);
  });
  const x = tf.tensor4d(flat, [n, shape.height, shape.width, 1]);
  const y = tf.tensor1d(labels, 'int32');
  const started = performance.now();
  let xAdv: tf.Tensor4D | undefined;
  try {
    const result = await makeAttack(settings).run(model, x, y);
    xAdv = result.xAdv;
    const advFlat = (await xAdv.data()) as Float32Array;
    const milliseconds = performance.now() - started;
    const cleanProbabilities = await softmaxRows(model, x);
    const adversarialProbabilities = await softmaxRows(model, xAdv);
    const adversarial: Float32Array[] = [];
    const linf: number[] = [];
    const l2: number[] = [];
    for (let i = 0; i < n; i++) {
      const adv = advFlat.slice(i * pixels, (i + 1) * pixels);
      let maxAbs = 0;
      let sq = 0;
      for (let k = 0; k < pixels; k++) {
        const d = adv[k]! - images[i]![k]!;
        maxAbs = Math.max(maxAbs, Math.abs(d));
        sq += d * d;
      }
      adversarial.push(adv);
      linf.push(maxAbs);
      l2.push(Math.sqrt(sq));
    }
    const fooled = adversarialProbabilities.map((p, i) => p.indexOf(Math.max(...p)) !== labels[i]);
    const outcome: AttackOutcome = {
      adversarial,
      cleanProbabilities,
      adversarialProbabilities,
      fooled,
      linf,
      l2,
      milliseconds,
    };
    if ('log' in result) outcome.log = (result as AutoAttackResult).log;
    return outcome;
  } finally {
    tf.dispose([x, y, ...(xAdv ? [xAdv] : [])]);
  }
}
