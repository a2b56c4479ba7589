import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';

/** Kernel name of the one-pass SGD step (registered on wasm when the native addon is loaded). */
export const SGD_STEP_KERNEL = 'EdlSgdStep';

/** Hyperparameters of one {@link sgdStep}. */
export interface SgdStepOptions {
  /** Learning rate, finite and >= 0. */
  lr: number;
  /** Momentum coefficient, finite and >= 0. */
  momentum: number;
  /** L2-coupled weight decay added to the gradient (`g + weightDecay p`), finite and >= 0. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (PyTorch's formulation). Default false. */
  nesterov?: boolean;
}

/** The updated parameter and momentum buffer of one {@link sgdStep}. */
export interface SgdStepResult<T extends tf.Tensor> {
  p: T;
  buf: T;
}

/**
 * One step of SGD with momentum for parameter `p`, gradient `g` and momentum buffer `buf` (PyTorch's `SGD`,
 * dampening 0): `g' = g + weightDecay p`, `buf' = momentum buf + g'`, `d = nesterov ? g' + momentum buf' : buf'`,
 * `p' = p - lr d`. On wasm with the native addon it is one pass over memory (`EdlSgdStep`), where the separate
 * kernels take four to six; elsewhere it composes them. Both round each operation to float32 in the same order, so
 * they give the same values bit for bit. Returns new tensors (assign them to your variables).
 *
 * @example
 * const { p: next, buf: nextBuf } = sgdStep(weight, grad, buffer, { lr: 0.1, momentum: 0.9 });
 * weight.assign(next);
 * buffer.assign(nextBuf);
 */
export function sgdStep<T extends tf.Tensor>(p: T, g: T, buf: T, options: SgdStepOptions): SgdStepResult<T> {
  const { lr, momentum, weightDecay = 0, nesterov = false } = options;
  if (p.dtype !== 'float32')
    throw new OpsError('invalid-input', 'p', `sgdStep: 'p' must be float32, got ${p.dtype} [${p.shape}]`);
  for (const [name, t] of [
    ['g', g],
    ['buf', buf],
  ] as const) {
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, p.shape))
      throw new OpsError(
        'invalid-input',
        name,
        `sgdStep: '${name}' must be float32 with the shape of 'p' (float32 [${p.shape}]), got ${t.dtype} [${t.shape}]`,
      );
  }
  for (const [name, v] of [
    ['lr', lr],
    ['momentum', momentum],
    ['weightDecay', weightDecay],
  ] as const) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw new OpsError('invalid-option', name, `sgdStep: '${name}' must be a finite number >= 0, got ${v}`);
  }
  if (tf.getKernel(SGD_STEP_KERNEL, tf.getBackend()) && p.size > 0) {
    const [np, nb] = tf.engine().runKernel(SGD_STEP_KERNEL, { p, g, buf }, {
      lr,
      momentum,
      weightDecay,
      nesterov,
    } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { p: np as T, buf: nb as T };
  }
  return tf.tidy(() => {
    const gd = weightDecay > 0 ? tf.add(g, tf.mul(p, weightDecay)) : g;
    const nb = tf.add(tf.mul(buf, momentum), gd);
    const d = nesterov ? tf.add(gd, tf.mul(nb, momentum)) : nb;
    const np = tf.sub(p, tf.mul(d, lr));
    return { p: np as T, buf: nb as T };
  });
}
