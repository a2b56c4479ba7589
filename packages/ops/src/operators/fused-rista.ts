import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../errors/ops-error.ts';

type Scalarish = number | tf.Scalar;

/**
 * True when the current backend has the fused RISTA kernels (the wasm backend with the native addon of
 * `@edl/ops` loaded by {@link setupBackend}). Otherwise use the composite ops (`elasticWeights`, the soft
 * thresholds), which compute the same values and gradients.
 */
export function fusedRistaAvailable(): boolean {
  return !!tf.getKernel('EdlShrinkStep', tf.getBackend());
}

function requireFused(name: string): void {
  if (!fusedRistaAvailable()) {
    throw new OpsError(
      'unsupported',
      'backend',
      `${name}: the fused RISTA kernels are not registered for backend '${tf.getBackend()}' (they need the wasm backend with the native addon, see setupBackend); check fusedRistaAvailable() first`,
    );
  }
}

function checkSame(name: string, a: tf.Tensor, b: tf.Tensor, an: string, bn: string): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new OpsError(
      'invalid-input',
      an,
      `${name}: '${an}' [${a.shape}] and '${bn}' [${b.shape}] must have the same shape`,
    );
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32')
    throw new OpsError('invalid-input', an, `${name}: '${an}' and '${bn}' must be float32`);
}

/** Splits scalar parameters into tensor inputs (differentiated) and number attributes (constants). */
function scalars(params: Record<string, Scalarish>): {
  inputs: Record<string, tf.Scalar>;
  attrs: Record<string, number>;
} {
  const inputs: Record<string, tf.Scalar> = {};
  const attrs: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number') attrs[k] = v;
    else if (v.rank !== 0)
      throw new OpsError('invalid-option', k, `${k}: expected a number or a scalar tensor, got shape [${v.shape}]`);
    else inputs[k] = v;
  }
  return { inputs, attrs };
}

/**
 * The reweighted residual of a RISTA step in one fused kernel:
 * `g = (beta + (1 - beta) w) r` with `r = x - u` and `w = 1 / (2 (|r| + eps))` (`u = A* z`).
 * Gradients w.r.t. `x`, `u` and a tensor `beta` (through `w` too, unless `detachWeights`), from one fused kernel.
 */
export function fusedElasticResidual<T extends tf.Tensor>(
  x: T,
  u: T,
  beta: Scalarish,
  eps: number,
  detachWeights = false,
): T {
  requireFused('fusedElasticResidual');
  checkSame('fusedElasticResidual', x, u, 'x', 'u');
  const { inputs, attrs } = scalars({ beta });
  const names = ['x', 'u', ...Object.keys(inputs)];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const ts = args.slice(0, names.length) as tf.Tensor[];
    const save = args[names.length] as tf.GradSaveFunc;
    save(ts);
    const map = Object.fromEntries(names.map((n, i) => [n, ts[i]!]));
    const value = tf.engine().runKernel('EdlElasticResidual', map, { eps, ...attrs }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const m = Object.fromEntries(names.map((n, i) => [n, saved[i]!]));
      const [dx, du, db] = tf.engine().runKernel(
        'EdlElasticResidualGrad',
        { ...m, dy },
        {
          eps,
          detach: detachWeights,
          ...attrs,
        },
      ) as tf.Tensor[];
      if (names.length === 3) return [dx!, du!, db!];
      db!.dispose(); // beta is a number: a constant
      return [dx!, du!];
    };
    return { value, gradFunc };
  });
  return f(x, u, ...Object.values(inputs)) as T;
}

/**
 * The thresholded update of a RISTA step in one fused kernel: `T(z + t v)` with the one-sided
 * `max(s - thr, 0)` (`nonNegative`, SDNet) or two-sided soft threshold; `z` null is the first step `T(t v)`.
 * Gradients w.r.t. `z`, `v` and tensor `t` / `thr` from one fused kernel (0 at the kink, as tfjs' relu).
 */
export function fusedShrinkStep<T extends tf.Tensor>(
  z: T | null,
  v: T,
  t: Scalarish,
  threshold: Scalarish,
  nonNegative: boolean,
): T {
  requireFused('fusedShrinkStep');
  if (z) checkSame('fusedShrinkStep', z, v, 'z', 'v');
  const { inputs, attrs } = scalars({ t, thr: threshold });
  const names = [...(z ? ['z'] : []), 'v', ...Object.keys(inputs)];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const ts = args.slice(0, names.length) as tf.Tensor[];
    const save = args[names.length] as tf.GradSaveFunc;
    save(ts);
    const map = Object.fromEntries(names.map((n, i) => [n, ts[i]!]));
    const value = tf.engine().runKernel('EdlShrinkStep', map, { nonNegative, ...attrs }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const m = Object.fromEntries(names.map((n, i) => [n, saved[i]!]));
      const outs = tf.engine().runKernel('EdlShrinkStepGrad', { ...m, dy }, { nonNegative, ...attrs }) as tf.Tensor[];
      // outs: [dz?, dv, dt, dthr]; keep those of the inputs given
      const byName: Record<string, tf.Tensor> = {};
      let i = 0;
      if (z) byName.z = outs[i++]!;
      byName.v = outs[i++]!;
      byName.t = outs[i++]!;
      byName.thr = outs[i++]!;
      const grads = names.map((n) => byName[n]!);
      for (const k of ['t', 'thr']) if (!names.includes(k)) byName[k]!.dispose();
      return grads;
    };
    return { value, gradFunc };
  });
  return f(...(z ? [z] : []), v, ...Object.values(inputs)) as T;
}
