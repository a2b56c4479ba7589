import * as tf from '@tensorflow/tfjs';
import type { Attack } from '../core/attack.ts';
import { type AttackInput, type AttackOutput, defineAttack } from '../core/define-attack.ts';
import { checkEps, checkOneOf, checkPositiveInt, invalidOption } from '../core/errors.ts';
import { perSampleNorm, perSampleShape } from '../core/projections.ts';
import { readValues } from '../core/read.ts';
import { selectSamples } from '../core/select-samples.ts';
import { deepfoolLoop } from './deepfool.ts';
import { sparseLinearSolve } from './linear-solver.ts';

/** Options of {@link sparsefool}; defaults from LTS4/SparseFool `sparsefool.py` and its DeepFool. */
export interface SparseFoolOptions {
  /** lambda: how far beyond the DeepFool boundary point the linearisation is taken (default 3). */
  lambda?: number;
  /** Outer iterations cap (default 20, the reference function's `max_iter`; its README uses 50). */
  steps?: number;
  /** Final overshoot epsilon: x_adv = x0 + (1 + overshoot)(x_i - x0) (default 0.02). */
  overshoot?: number;
  /** Top classes considered by the inner DeepFool (default 10). */
  numClasses?: number;
  /** Iteration cap of the inner DeepFool (default 50). */
  deepfoolSteps?: number;
  /** Overshoot of the inner DeepFool, `x + (1 + deepfoolOvershoot) r_tot` (default 0.02, the reference's). */
  deepfoolOvershoot?: number;
  /**
   * Clip the inner DeepFool's points to [0, 1] at every step and take the boundary normal at the clipped point
   * (default false). The published SparseFool does not clip there: its linear solver keeps the image in the box.
   * `true` restores this package's earlier behaviour, which changes 1.4-1.7x more pixels on the MNIST models measured.
   */
  deepfoolClip?: boolean;
  /** Norm reported in `norms`: 'l0' (changed elements, default) or 'l1'. */
  reportNorm?: 'l0' | 'l1';
}

/**
 * SparseFool (Modas, Moosavi-Dezfooli and Frossard, CVPR 2019): sparse (few-pixel) adversarial examples via
 * DeepFool's boundary point `x_B = x_i + lambda r_tot`, the boundary normal at the flipped point, and the l1 linear
 * solver, repeated until the label of `x0 + (1 + overshoot)(x_i - x0)` changes or `steps` outer steps.
 * Batched over the still-active samples (the linear solver runs per sample in JS). Label = clean prediction.
 * As published, the inner DeepFool is not clipped to [0, 1] (its points may leave the box); the box is enforced by
 * the linear solver and the final clip. `deepfoolClip: true` clips it, which costs sparsity.
 */
export function sparsefool(options: SparseFoolOptions = {}): Attack {
  const lambda = options.lambda ?? 3;
  if (!(lambda >= 1) || !Number.isFinite(lambda)) invalidOption('lambda', 'a finite number >= 1', lambda);
  const maxIter = checkPositiveInt('steps', options.steps ?? 20);
  const overshoot = checkEps('overshoot', options.overshoot ?? 0.02);
  const numClasses = checkPositiveInt('numClasses', options.numClasses ?? 10);
  const deepfoolSteps = checkPositiveInt('deepfoolSteps', options.deepfoolSteps ?? 50);
  const deepfoolOvershoot = checkEps('deepfoolOvershoot', options.deepfoolOvershoot ?? 0.02);
  const deepfoolClip = options.deepfoolClip ?? false;
  if (typeof deepfoolClip !== 'boolean') invalidOption('deepfoolClip', 'a boolean', deepfoolClip);
  const reportNorm = checkOneOf('reportNorm', options.reportNorm ?? 'l0', ['l0', 'l1'] as const);
  const settings: Record<string, unknown> = {
    lambda,
    maxIter,
    overshoot,
    numClasses,
    deepfoolMaxIter: deepfoolSteps,
    deepfoolOvershoot,
    deepfoolClip,
    reportNorm,
  };

  async function run({ model, x: x0 }: AttackInput): Promise<AttackOutput> {
    const n = x0.shape[0];
    const per = x0.size / n;
    const predLabel = tf.tidy(() => tf.cast(tf.argMax(model(x0), 1), 'int32') as tf.Tensor1D);
    const pred = await readValues(predLabel);
    let xi = tf.clone(x0);
    let fool = tf.clone(x0);
    let active = pred.map(() => true);
    let queries = 1;
    try {
      for (let loop = 0; loop < maxIter && active.some(Boolean); loop++) {
        // Only still-active samples go through DeepFool and the solver.
        const activeIdx = active.flatMap((a, s) => (a ? [s] : []));
        const idx = tf.tensor1d(activeIdx, 'int32');
        const xSub = tf.gather(xi, idx) as tf.Tensor4D;
        idx.dispose();
        const state = await deepfoolLoop(model, xSub, {
          overshoot: deepfoolOvershoot,
          steps: deepfoolSteps,
          numClasses,
          clip: deepfoolClip,
        });
        queries += state.queries;
        const { normal, boundary } = tf.tidy(() => {
          // The boundary normal at the point where DeepFool flipped the label (clipped only in the legacy mode).
          const unclipped = tf.add(xSub, tf.mul(state.rTot, 1 + deepfoolOvershoot));
          const flipped = deepfoolClip ? tf.clipByValue(unclipped, 0, 1) : unclipped;
          const g = tf.grad((v: tf.Tensor) => {
            const z = model(v as tf.Tensor4D);
            const hotK = tf.oneHot(state.finalLabels, z.shape[1]);
            const hotL = tf.oneHot(state.labels, z.shape[1]);
            return tf.sum(tf.mul(z, tf.sub(hotK, hotL)));
          })(flipped);
          const unit = tf.div(g, tf.add(perSampleShape(perSampleNorm(g, 'l2'), 4), 1e-12));
          return { normal: unit, boundary: tf.add(xSub, tf.mul(state.rTot, lambda)) };
        });
        queries += 1;
        const [nData, bData, subData, xiData] = await Promise.all([
          normal.data() as Promise<Float32Array>,
          boundary.data() as Promise<Float32Array>,
          xSub.data() as Promise<Float32Array>,
          xi.data() as Promise<Float32Array>,
        ]);
        const next = Float32Array.from(xiData);
        activeIdx.forEach((s, j) => {
          const a = j * per;
          next.set(
            sparseLinearSolve(subData.subarray(a, a + per), nData.subarray(a, a + per), bData.subarray(a, a + per)),
            s * per,
          );
        });
        tf.dispose([normal, boundary, xSub, state.rTot, state.labels, state.finalLabels]);
        const xiNext = tf.tensor4d(next, x0.shape);
        const { foolNext, labels } = tf.tidy(() => {
          const f = tf.clipByValue(tf.add(x0, tf.mul(tf.sub(xiNext, x0), 1 + overshoot)), 0, 1) as tf.Tensor4D;
          return { foolNext: f, labels: tf.argMax(model(f), 1) };
        });
        queries += 1;
        const lab = await readValues(labels);
        // Frozen samples keep their earlier result.
        const mask = tf.tensor1d(
          active.map((a) => (a ? 1 : 0)),
          'bool',
        );
        const merged = { xi: selectSamples(mask, xiNext, xi), fool: selectSamples(mask, foolNext, fool) };
        tf.dispose([mask, xiNext, foolNext, xi, fool]);
        xi = merged.xi;
        fool = merged.fool;
        active = active.map((a, s) => a && lab[s] === pred[s]);
      }
      xi.dispose();
      return { xAdv: fool, queries };
    } catch (err) {
      tf.dispose([xi, fool]);
      throw err;
    }
  }
  return defineAttack({
    name: 'sparsefool',
    threat: { norm: reportNorm },
    family: 'gradient',
    effort: { steps: maxIter, restarts: 1 },
    settings,
    run,
  });
}
