import { convOutputSize, resolvePadding, type TfPadding } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { projectAtomsToUnitNorm } from '../constraints/atom-unit-norm.ts';
import { projectVariable } from '../constraints/project-variable.ts';
import { LayerError } from '../core/layer-error.ts';
import { elasticStepSize } from '../rista/elastic-step-size.ts';
import { rista } from '../rista/rista.ts';
import { StepSizeTracker } from '../rista/step-size-tracker.ts';
import {
  type DictConv2DConfig,
  type ResolvedDictConv2DOptions,
  resolveDictConv2DOptions,
} from './dict-conv2d-config.ts';
import type { DictWeightName } from './dict-weights.ts';
import {
  deserializeKernelInitializer,
  resolveKernelInitializer,
  serializeKernelInitializer,
} from './kernel-initializer.ts';
import { nhwcShape } from './nhwc-shape.ts';
import { assertSyncReadable } from './sync-read.ts';
import { UnitInterval } from './unit-interval.ts';

/**
 * The part of a {@link DictConv2D}'s step-size state that is not a weight (see
 * {@link DictConv2D.getStepSizeState}): what a checkpoint keeps so that a resumed run refreshes `t` exactly as the
 * uninterrupted one.
 */
export interface StepSizeState {
  /** Training calls so far (`t` is refreshed when it is a multiple of `stepSizeRefresh`). */
  trainingCalls: number;
  /** The power iteration's warm-start vector `[1, H, W, Cin]`, or null when the next refresh starts cold. */
  warmStart: tf.Tensor4D | null;
}

/**
 * A convolutional dictionary-learning layer (paper §4, Alg. 1): its output is the sparse code `z` of its input
 * under the dictionary `kernel`, computed by `steps` unrolled RISTA steps (see {@link rista}).
 * `kind` selects Vanilla DL (beta = 1, plain ISTA), Robust DL (beta = 0) or Elastic DL (learnt beta).
 *
 * Weights, always the same four in the same order for every kind (so weights copy between kinds), named by
 * {@link DICT_WEIGHT_NAMES} and read with {@link DictConv2D.weight}: `kernel [kh, kw, Cin, filters]`, `beta`
 * (scalar), `lambda` (scalar), `stepSize` (scalar, never trained, saved with the model). `beta` is kept in [0, 1]
 * by a clamp in the forward pass and by the projection; set it with {@link setBeta}. No bias. Input: NHWC with
 * known height, width and channels at build.
 *
 * Constraints (unit-norm atoms, beta in [0, 1], lambda >= 0) are applied by {@link DictConv2D.projectWeights}
 * only: at build, at the start of every training call (`training: true`, as `model.fit` passes; tfjs 4.22's
 * `model.fit` never applies constraints itself) and by {@link applyConstraints} after optimizer steps. They are not
 * tfjs variable constraints, so `setWeights` and loading a saved model set the weights exactly as given. The
 * projection is idempotent. Training calls with `stepSize: 'auto'` also refresh the stored `0.9 / L` every
 * `stepSizeRefresh` training calls, without gradient; every forward pass turns it into the step of its beta,
 * `0.9 / (L (beta + (1 - beta) / (2 eps)))` (`stepSizeRule: 'elastic'`, the default), so that RISTA descends for
 * every beta (see `elasticStepSize`).
 *
 * Memory: with `recompute: true` (gradient checkpointing, off by default) the layer holds only its input and weights
 * between the forward and the backward pass and recomputes the unrolled steps during backprop: same gradients,
 * about 87% less held memory per layer, about a third more forward + backward time.
 *
 * Loading: `tf.loadLayersModel(..., { strict: true })` builds with zero kernels before it sets the saved weights; a
 * zero kernel at build keeps a placeholder step size (replaced by the saved one), as does a training call on an
 * all-zero kernel (whose codes are zero for any step size).
 *
 * Backends: everything the layer does runs on the device without synchronous read-backs (WebGPU in Node
 * included), except {@link DictConv2D.currentBeta}.
 *
 * @example
 * const model = tf.sequential({ layers: [new DictConv2D({ inputShape: [8, 8, 3], filters: 8, kind: 'elastic' })] });
 */
export class DictConv2D extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'DictConv2D';
  /** The resolved options. */
  readonly options: ResolvedDictConv2DOptions;
  private readonly pad: TfPadding;
  private kernel: tf.LayerVariable | null = null;
  private betaWeight: tf.LayerVariable | null = null;
  private lambdaWeight: tf.LayerVariable | null = null;
  private stepSizeWeight: tf.LayerVariable | null = null;
  /** The constrained weights and their projections, in weight order. */
  private projections: [tf.LayerVariable, (value: tf.Tensor) => tf.Tensor][] = [];
  private readonly tracker = new StepSizeTracker();
  private trainingCalls = 0;

  /** @param config - see {@link DictConv2DOptions}; `filters` is required. */
  constructor(config: DictConv2DConfig) {
    const options = resolveDictConv2DOptions(config);
    super(config);
    this.options = options;
    this.pad = resolvePadding(options.padding, options.kernelSize);
  }

  private get owner(): string {
    return `DictConv2D '${this.name}'`;
  }

  /** Kind of this layer. */
  get kind(): ResolvedDictConv2DOptions['kind'] {
    return this.options.kind;
  }

  /**
   * The beta the forward pass uses: 1 (vanilla), 0 (robust), or the `beta` weight clamped to [0, 1] (elastic).
   * Synchronous read (cpu / wasm / webgl; on webgpu it throws: use {@link DictConv2D.readBeta}); before build, the
   * configured initial value.
   */
  currentBeta(): number {
    if (this.options.kind === 'vanilla') return 1;
    if (this.options.kind === 'robust') return 0;
    if (!this.betaWeight) return this.options.beta;
    assertSyncReadable(`${this.owner}: currentBeta()`, 'use `await layer.readBeta()`');
    const value = this.betaWeight.read().dataSync()[0]!;
    return Math.min(1, Math.max(0, value));
  }

  /** {@link DictConv2D.currentBeta} with an awaited read: works on every backend, webgpu included. */
  async readBeta(): Promise<number> {
    if (this.options.kind !== 'elastic' || !this.betaWeight) return this.currentBeta();
    const value = (await this.betaWeight.read().data())[0]!;
    return Math.min(1, Math.max(0, value));
  }

  /** Creates the weights for an NHWC input shape with known height, width and channels. */
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = nhwcShape(inputShape, this.owner);
    const [, h, w, c] = shape;
    if (h == null || w == null || c == null) {
      throw new LayerError(
        'invalid-input',
        'inputShape',
        `${this.owner}: height, width and channels of the input must be known at build, got [${shape.join(', ')}]`,
      );
    }
    const o = this.options;
    const [kh, kw] = o.kernelSize;
    const constant = (value: number) => tf.initializers.constant({ value });
    const init = resolveKernelInitializer(o.kernelInitializer);
    this.kernel = this.addWeight('kernel', [kh, kw, c, o.filters], 'float32', init, undefined, true);
    this.betaWeight = this.addWeight('beta', [], 'float32', constant(o.beta), undefined, o.trainBeta);
    this.lambdaWeight = this.addWeight('lambda', [], 'float32', constant(o.lambda), undefined, o.trainLambda);
    const t0 = o.stepSize === 'auto' ? 0.1 : o.stepSize;
    this.stepSizeWeight = this.addWeight('stepSize', [], 'float32', constant(t0), undefined, false);
    const unitInterval = new UnitInterval();
    this.projections = [
      [this.betaWeight, (beta) => unitInterval.apply(beta)],
      [this.lambdaWeight, (lambda) => tf.relu(lambda)],
    ];
    if (o.normalizeAtoms) this.projections.unshift([this.kernel, projectAtomsToUnitNorm]);
    this.built = true;
    this.projectWeights();
    // A zero kernel (tfjs builds with zeros when it is about to load saved weights) keeps the placeholder t.
    if (o.stepSize === 'auto') this.refreshStepSize([1, h, w, c]);
  }

  /** The four weights in their fixed order: kernel, beta, lambda, stepSize (whatever is trainable). */
  override get weights(): tf.LayerVariable[] {
    if (!this.kernel || !this.betaWeight || !this.lambdaWeight || !this.stepSizeWeight) return [];
    return [this.kernel, this.betaWeight, this.lambdaWeight, this.stepSizeWeight];
  }

  /**
   * The weight named `name` (one of {@link DICT_WEIGHT_NAMES}); throws before build.
   *
   * @example
   * layer.weight('kernel').shape; // [3, 3, Cin, filters]
   */
  weight(name: DictWeightName): tf.LayerVariable {
    const byName: Record<DictWeightName, tf.LayerVariable | null> = {
      kernel: this.kernel,
      beta: this.betaWeight,
      lambda: this.lambdaWeight,
      stepSize: this.stepSizeWeight,
    };
    if (!(name in byName)) {
      throw new LayerError(
        'invalid-option',
        'name',
        `${this.owner}: no weight named ${JSON.stringify(name)} (kernel, beta, lambda or stepSize)`,
      );
    }
    const variable = byName[name];
    if (!variable) throw new LayerError('invalid-state', 'name', `${this.owner}: build the layer first`);
    return variable;
  }

  /** `[batch, Ho, Wo, filters]`, with the conv arithmetic of the layer's padding and strides. */
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = nhwcShape(inputShape, this.owner);
    const [kh, kw] = this.options.kernelSize;
    const [sh, sw] = this.options.strides;
    const out = (size: number | null, k: number, s: number, axis: 1 | 2) =>
      size == null ? null : convOutputSize(size, k, s, this.pad, axis);
    return [shape[0] ?? null, out(shape[1] ?? null, kh, sh, 1), out(shape[2] ?? null, kw, sw, 2), this.options.filters];
  }

  /** The codes `z` of the input (training calls project the weights and refresh `t` first). */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D | undefined;
    if (x?.rank !== 4) {
      throw new LayerError(
        'invalid-input',
        'x',
        `${this.owner}: expected a rank-4 NHWC input, got shape [${x?.shape.join(', ')}]`,
      );
    }
    if (kwargs?.training === true) this.beforeTrainingCall(x.shape);
    return tf.tidy(() => {
      const o = this.options;
      const beta = (
        o.kind === 'vanilla' ? 1 : o.kind === 'robust' ? 0 : tf.clipByValue(this.betaWeight!.read(), 0, 1)
      ) as number | tf.Scalar;
      const stored = this.stepSizeWeight!.read() as tf.Scalar;
      // the stored t0 (0.9 / L with 'auto'); the corrections' step depends on the beta of this pass (learnt for
      // elastic layers)
      const stepSize = o.stepSizeRule === 'elastic' ? elasticStepSize(stored, beta, o.eps) : stored;
      return rista(x, this.kernel!.read() as tf.Tensor4D, {
        steps: o.steps,
        lambda: tf.relu(this.lambdaWeight!.read()) as tf.Scalar,
        eps: o.eps,
        beta,
        stepSize,
        initStepSize: stored, // z0 = T(t0 A(x)) for every beta
        nonNegative: o.nonNegative,
        strides: o.strides,
        padding: this.pad,
        detachWeights: o.detachWeights,
        recompute: o.recompute,
      });
    });
  }

  /**
   * Projects the weights onto their constraints now, without gradient: unit-norm atoms (when `normalizeAtoms`; atoms
   * already unit-norm to 1e-6 are left bit for bit), beta clipped to [0, 1], lambda >= 0. Idempotent. Called at
   * build and at every training call; {@link applyConstraints} calls it for whole models. Returns the number of
   * weights projected (3, or 2 without `normalizeAtoms`; 0 before build).
   */
  projectWeights(): number {
    for (const [variable, project] of this.projections) projectVariable(variable, project);
    return this.projections.length;
  }

  /**
   * Recomputes the stored `0.9 / L` (the `stepSize` weight; the forward pass scales it by the step-size rule) by
   * power iteration on the current kernel (warm-started), without gradient, and stores
   * it in the `stepSize` weight. Only for `stepSize: 'auto'`. Runs on the device without reading anything back, so
   * it works on every backend; where `L` is not a positive finite number (an all-zero kernel, which gives zero codes
   * with any step size, or NaN / Inf in the kernel) the weight keeps its value.
   *
   * @param inputShape - NHWC input shape (the batch size is ignored)
   */
  refreshStepSize(inputShape: readonly number[]): void {
    if (this.options.stepSize !== 'auto') {
      throw new LayerError(
        'invalid-state',
        'stepSize',
        `${this.owner}: refreshStepSize needs stepSize 'auto', got ${this.options.stepSize}`,
      );
    }
    if (!this.kernel || !this.stepSizeWeight)
      throw new LayerError('invalid-state', 'stepSize', `${this.owner}: build the layer first`);
    const geometry = { strides: this.options.strides, padding: this.pad };
    const current = this.stepSizeWeight.read() as tf.Scalar;
    const t = this.tracker.stepSize(this.kernel.read() as tf.Tensor4D, inputShape, geometry, current);
    this.stepSizeWeight.write(t);
    t.dispose();
  }

  /**
   * Forgets the power iteration's warm-start vector, which belongs to the kernel it was computed for: the next
   * step-size refresh starts cold (50 seeded iterations). Call it after replacing the kernel through
   * `model.setWeights` (which bypasses the layer's own `setWeights`); `loadModel`, `toElastic` and the
   * safetensors / state-dict import of `@edl/models` do.
   */
  resetStepSizeState(): void {
    this.tracker.dispose();
  }

  /**
   * The step-size state that is not a weight: the training-call count and a copy of the power iteration's warm-start
   * vector (the caller owns the tensor). Saved beside the weights in a training checkpoint and given back to
   * {@link DictConv2D.setStepSizeState} on resume, the next step-size refreshes are bit for bit those of the
   * uninterrupted run (a loaded model otherwise starts cold: 50 seeded iterations, a `t` different in the last bits).
   */
  getStepSizeState(): StepSizeState {
    return { trainingCalls: this.trainingCalls, warmStart: this.tracker.warmStart() };
  }

  /**
   * Restores what {@link DictConv2D.getStepSizeState} returned (a copy of `warmStart` is kept; the caller still
   * owns its tensor). Call it after the weights are set (setting weights forgets the warm start).
   */
  setStepSizeState(state: StepSizeState): void {
    const { trainingCalls, warmStart } = state ?? {};
    if (!Number.isInteger(trainingCalls) || trainingCalls < 0) {
      throw new LayerError(
        'invalid-option',
        'trainingCalls',
        `${this.owner}: trainingCalls must be an integer >= 0, got ${JSON.stringify(trainingCalls)}`,
      );
    }
    if (!this.kernel) throw new LayerError('invalid-state', 'warmStart', `${this.owner}: build the layer first`);
    const cin = this.kernel.shape[2];
    if (
      warmStart !== null &&
      !(
        warmStart instanceof tf.Tensor &&
        warmStart.rank === 4 &&
        warmStart.shape[0] === 1 &&
        warmStart.shape[3] === cin
      )
    ) {
      const got = warmStart instanceof tf.Tensor ? `shape [${warmStart.shape.join(', ')}]` : JSON.stringify(warmStart);
      throw new LayerError(
        'invalid-option',
        'warmStart',
        `${this.owner}: warmStart must be null or a [1, H, W, ${cin}] tensor, got ${got}`,
      );
    }
    this.trainingCalls = trainingCalls;
    this.tracker.setWarmStart(warmStart);
  }

  /** Sets the weights exactly as given (tfjs semantics) and forgets the warm start of the old kernel. */
  override setWeights(weights: tf.Tensor[]): void {
    super.setWeights(weights);
    this.resetStepSizeState();
  }

  private beforeTrainingCall(shape: readonly number[]): void {
    this.projectWeights();
    if (this.options.stepSize === 'auto' && this.trainingCalls % this.options.stepSizeRefresh === 0) {
      this.refreshStepSize(shape);
    }
    this.trainingCalls++;
  }

  /** Disposes the weights (tfjs semantics) and the power-iteration state. */
  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) this.tracker.dispose();
    return result;
  }

  /** Every option (see {@link DictConv2DOptions}) plus the base layer config; JSON-serialisable. */
  override getConfig(): tf.serialization.ConfigDict {
    const { kernelInitializer, kernelSize, strides, padding, ...rest } = this.options;
    return {
      ...rest,
      kernelSize: [...kernelSize],
      strides: [...strides],
      padding: (Array.isArray(padding) ? padding.map((p) => [...p]) : padding) as tf.serialization.ConfigDictValue,
      kernelInitializer: serializeKernelInitializer(kernelInitializer),
      ...super.getConfig(),
    };
  }

  /** Rebuilds a layer from {@link DictConv2D.getConfig} output. @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const kernelInitializer = deserializeKernelInitializer(config.kernelInitializer);
    // configs saved before `stepSizeRule` existed keep the rule they were computed with
    const stepSizeRule = config.stepSizeRule ?? 'lipschitz';
    return new cls({ ...config, stepSizeRule, kernelInitializer });
  }
}
tf.serialization.registerClass(DictConv2D);
