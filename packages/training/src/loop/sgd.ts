import { sgdStep } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative, checkNumber } from '../errors/checkers.ts';
import { TrainingError } from '../errors/training-error.ts';

/** Options of {@link Sgd}. */
export interface SgdOptions {
  /** Momentum coefficient μ in [0, 1). 0 disables momentum. Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (PyTorch's formulation). Default false. */
  nesterov?: boolean;
  /** L2-coupled weight decay: the gradient becomes g + weightDecay·p before momentum (PyTorch `SGD`). Default 0. */
  weightDecay?: number;
  /** Apply weight decay only to variables of rank >= 2 (kernels), not to biases, BN and betas. Default false (all). */
  decayKernelsOnly?: boolean;
}

/** Serialisable optimizer state: one momentum buffer per variable, in variable order. */
export interface SgdState {
  /** Momentum buffers as plain arrays of float32 values (null before the first step). */
  buffers: (Float32Array | null)[];
}

/**
 * Stochastic gradient descent with momentum, Nesterov and L2-coupled weight decay, exactly PyTorch's `torch.optim.SGD`
 * (dampening 0): `g ← g + wd·p`, `b ← μ·b + g`, `d = nesterov ? g + μ·b : b`, `p ← p − lr·d`.
 * The learning rate is passed per step so that any schedule can drive it. Its state is serialisable for checkpoints.
 */
export class Sgd {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly decayKernelsOnly: boolean;
  private buffers: (tf.Variable | null)[] = [];

  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    this.decayKernelsOnly = options.decayKernelsOnly ?? false;
    checkNumber('momentum', this.momentum, { min: 0, max: 0.999999 });
    checkNumber('weightDecay', this.weightDecay, { min: 0, max: 1 });
    if (this.nesterov && this.momentum === 0)
      throw new TrainingError('invalid-option', 'nesterov', 'Sgd: nesterov requires momentum > 0');
  }

  /**
   * Applies one update to `variables` with `grads` (same order, same shapes; null = no gradient) at learning rate `lr`.
   * Does not dispose `grads`.
   */
  apply(variables: readonly tf.Variable[], grads: readonly (tf.Tensor | null)[], lr: number): void {
    checkNonNegative('lr', lr);
    if (variables.length !== grads.length) {
      throw new TrainingError(
        'invalid-input',
        'grads',
        `Sgd.apply: got ${grads.length} gradients for ${variables.length} variables`,
      );
    }
    if (this.buffers.length !== 0 && this.buffers.length !== variables.length) {
      throw new TrainingError(
        'invalid-state',
        'variables',
        `Sgd.apply: optimizer state has ${this.buffers.length} buffers, model has ${variables.length}`,
      );
    }
    if (this.buffers.length === 0) this.buffers = variables.map(() => null);
    tf.tidy(() => {
      variables.forEach((p, i) => {
        const raw = grads[i];
        if (raw == null) return; // no gradient: leave the variable and its buffer alone (PyTorch skips grad=None)
        let g: tf.Tensor = raw;
        const decay = this.weightDecay > 0 && (!this.decayKernelsOnly || p.rank >= 2);
        const existing = this.buffers[i];
        if (this.momentum > 0 && existing != null) {
          // one pass on wasm with the native addon, the same operations composed elsewhere (@edl/ops sgdStep)
          const next = sgdStep(p, g, existing, {
            lr,
            momentum: this.momentum,
            weightDecay: decay ? this.weightDecay : 0,
            nesterov: this.nesterov,
          });
          existing.assign(next.buf);
          p.assign(next.p);
          return;
        }
        if (decay) g = tf.add(g, tf.mul(p, this.weightDecay));
        if (this.momentum > 0) {
          // the first step: the buffer starts as the gradient (PyTorch)
          const buf = tf.variable(tf.clone(g), false);
          this.buffers[i] = buf;
          g = this.nesterov ? tf.add(g, tf.mul(buf, this.momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(g, lr)));
      });
    });
  }

  /** Copies the momentum buffers out (for checkpoints), with awaited reads (any backend, WebGPU included). */
  async getState(): Promise<SgdState> {
    const buffers = await Promise.all(
      this.buffers.map(async (b) => (b == null ? null : new Float32Array(await b.data()))),
    );
    return { buffers };
  }

  /** Restores buffers written by {@link Sgd.getState}; `variables` gives the shapes (same order). */
  setState(state: SgdState, variables: readonly tf.Variable[]): void {
    if (state.buffers.length !== 0 && state.buffers.length !== variables.length) {
      throw new TrainingError(
        'invalid-input',
        'state',
        `Sgd.setState: state has ${state.buffers.length} buffers, model has ${variables.length}`,
      );
    }
    this.dispose();
    this.buffers = state.buffers.map((b, i) => {
      if (b == null) return null;
      const v = variables[i]!;
      if (b.length !== v.size)
        throw new TrainingError(
          'invalid-input',
          'state',
          `Sgd.setState: buffer ${i} has ${b.length} values, variable ${v.size}`,
        );
      const t = tf.tensor(b, v.shape, 'float32');
      const variable = tf.variable(t, false);
      t.dispose();
      return variable;
    });
  }

  /** Drops the momentum buffers (e.g. when the model's variables change at the vanilla->elastic switch). */
  reset(): void {
    this.dispose();
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.buffers) b?.dispose();
    this.buffers = [];
  }
}
