import * as tf from '@tensorflow/tfjs';
import { LayerError } from '../core/layer-error.ts';

/**
 * Gradient checkpointing (recomputation) of `f`: the forward pass runs `f(...inputs)` without recording its
 * intermediates on the gradient tape (only clones of `inputs` are kept), and the backward pass runs `f` again under
 * a fresh tape and backpropagates the upstream gradient `dy` through it, giving the gradient w.r.t. every input
 * (zeros for an input `f` does not depend on). Memory: one activation-sized output instead of all of `f`'s
 * intermediates per call; time: one extra forward of `f` per backward pass. First-order gradients only
 * (`tf.grad`, `tf.grads`, `tf.variableGrads`, `optimizer.minimize`, `model.fit`); `f` must be deterministic.
 *
 * tfjs 4.22 cannot run `tf.grads` inside a `tf.customGrad` gradient function on its own: the inner call replaces
 * and then nulls the engine's active tape, which the outer backward pass still needs to free its saved tensors
 * ("Cannot read properties of null (reading 'forEach')"). The inner differentiation here saves and restores
 * `tf.engine().state.activeTape` around itself. Internal.
 *
 * @param f - a pure tensor function of `inputs` (it may close over numbers, not over other tensors that need a
 *   gradient: those would get none)
 * @param inputs - the tensors to differentiate against (variables are fine: a `tf.Variable` is a tensor)
 */
export function checkpoint<T extends tf.Tensor>(f: (...inputs: tf.Tensor[]) => T, inputs: tf.Tensor[]): T {
  if (inputs.length === 0)
    throw new LayerError('invalid-option', 'inputs', 'checkpoint: inputs: expected at least one tensor');
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xs = args.slice(0, -1) as tf.Tensor[];
    save(xs);
    const value = f(...xs);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] =>
      withOwnTape(() => {
        const upstream = (Array.isArray(dy) ? dy[0] : dy) as T;
        const { value: y, grads } = tf.engine().gradients(() => f(...saved), saved, upstream, true);
        y.dispose();
        return saved.map((s, i) => grads[i] ?? tf.zerosLike(s));
      });
    return { value, gradFunc };
  });
  return op(...inputs) as T;
}

/** Runs `fn` (which differentiates) and puts the engine's active tape back as it was. */
function withOwnTape<R>(fn: () => R): R {
  const state = tf.engine().state;
  const outer = state.activeTape;
  try {
    return fn();
  } finally {
    state.activeTape = outer;
  }
}
