import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '../errors/checkers.ts';
import type { StepContext, StepLoss, TrainingMethod } from './training-method.ts';

/** Options of {@link awp}. */
export interface AwpOptions {
  /** Relative size γ of the weight perturbation per layer: ‖v_l‖ = γ·‖w_l‖. Default 5e-3. */
  gamma?: number;
}

/**
 * Adversarial weight perturbation (Wu et al. 2020, arXiv:2004.05884), one step, wrapping PGD-AT or TRADES: after
 * the inner attack, v_l = γ·‖w_l‖·g_l/‖g_l‖ for every kernel (rank >= 2) with g the gradient of the method's own
 * loss (one normalised ascent step is exactly AWP's proxy step); the update gradient is taken at w + v and applied,
 * then v is removed. The perturbation pass leaves BatchNorm moving statistics unchanged (AWP uses a proxy copy).
 */
export function awp(inner: TrainingMethod, options: AwpOptions = {}): TrainingMethod {
  const gamma = options.gamma ?? 5e-3;
  if (!(gamma > 0 && gamma < 1)) invalidOption('gamma', 'a number in (0, 1)', gamma);
  return {
    name: `${inner.name}+awp`,
    step<L extends StepLoss>(ctx: StepContext<L>, x: tf.Tensor4D, y: tf.Tensor1D): L {
      const wrapped: StepContext<L> = {
        ...ctx,
        update: (lossFn) => {
          const vars = ctx.variables;
          const saved = ctx.stateVariables.map((v) => tf.clone(v));
          const { value, grads } = tf.variableGrads(lossFn, vars as tf.Variable[]);
          const perturbations: (tf.Tensor | null)[] = vars.map((v) => {
            const g = grads[v.name];
            if (v.rank < 2 || g == null) return null;
            return tf.tidy(() => tf.mul(g, tf.div(tf.mul(tf.norm(v), gamma), tf.add(tf.norm(g), 1e-20))));
          });
          tf.dispose([value, ...Object.values(grads)]);
          ctx.stateVariables.forEach((v, i) => {
            v.assign(saved[i]!);
          });
          tf.dispose(saved);
          vars.forEach((v, i) => {
            const p = perturbations[i];
            if (p != null) tf.tidy(() => v.assign(tf.add(v, p)));
          });
          try {
            return ctx.update(lossFn);
          } finally {
            vars.forEach((v, i) => {
              const p = perturbations[i];
              if (p != null) tf.tidy(() => v.assign(tf.sub(v, p)));
            });
            tf.dispose(perturbations.filter((p): p is tf.Tensor => p != null));
          }
        },
      };
      return inner.step(wrapped, x, y);
    },
  };
}
