import { applyConstraints, isDictLayer } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors/training-error.ts';
import { mixupInPlace } from '../methods/mixup.ts';
import { weightPenalty } from '../methods/regularizer.ts';
import type { StepContext } from '../methods/training-method.ts';
import type { EpochMetrics } from '../store/epoch-metrics.ts';
import { captureLayerState, restoreLayerState } from '../store/layer-state.ts';
import type { TrainerState } from '../store/training-store.ts';
import { checkResumable } from './check-resume.ts';
import { checkLabelledImages, firstIndices, gatherBatch } from './labelled-images.ts';
import { stepInMicroBatches } from './micro-batches.ts';
import { monitorAccuracy } from './monitor-accuracy.ts';
import { outOfMemoryHint } from './out-of-memory-hint.ts';
import type { ProgressBar } from './progress-reporter.ts';
import { recalibrateBatchNorm } from './recalibrate-batch-norm.ts';
import { deriveSeed, seededPermutation } from './seeds.ts';
import { Sgd } from './sgd.ts';
import type { TrainOptions } from './trainer-options.ts';
import { validateTrainOptions } from './validate-train-options.ts';

/** What {@link train} returns. */
export interface TrainResult {
  /** The final model (the elastic one after a switch). */
  model: tf.LayersModel;
  /** Metrics of the epochs run in this call. */
  history: EpochMetrics[];
  /** True when stopped early by SIGINT / `shouldStop` (a checkpoint was written to the store, if any). */
  interrupted: boolean;
  /** True when early stopping ended training. */
  stoppedEarly: boolean;
}

const trainable = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
const allWeights = (m: tf.LayersModel) => m.weights.map((w) => w.read() as tf.Variable);

/** Forward pass of a layers model as logits; `training` selects BatchNorm batch statistics (and their update). */
export function logitsOf(model: tf.LayersModel, x: tf.Tensor4D, training: boolean): tf.Tensor2D {
  return model.apply(x, { training }) as tf.Tensor2D;
}

const quiet: ProgressBar = { update() {}, stop() {} };

/**
 * Trains a tfjs LayersModel with a custom loop (tf.variableGrads + {@link Sgd}), tidy-clean, seeded, resumable.
 * Each epoch: steps over a seeded permutation, then natural / PGD accuracy on train and test subsets (eval mode),
 * the epoch's metrics and a checkpoint to `options.store` (if any). Runs in Node and in browsers, on every backend:
 * the loss is kept on the device and read with one awaited `data()` per step (no synchronous GPU read).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  validateTrainOptions(options);
  checkLabelledImages('train', options.train);
  checkLabelledImages('test', options.test);
  const store = options.store;
  const constrain = options.applyConstraints ?? applyConstraints;
  const sgd = new Sgd(options.sgd);
  let model = options.model;
  let state: TrainerState = {
    epoch: 0,
    step: 0,
    phase: options.elasticSwitch ? 'vanilla' : 'single',
    lossSum: 0,
    lossCount: 0,
    best: Number.NEGATIVE_INFINITY,
    sinceBest: 0,
    seed: options.seed ?? 0,
  };
  const ckpt = options.resume && store ? await store.loadCheckpoint() : null;
  if (ckpt) {
    try {
      checkResumable(ckpt.state, ckpt.model, options, store!.description);
    } catch (error) {
      ckpt.model.dispose();
      throw error;
    }
    options.model.dispose(); // replaced by the checkpoint's model
    model = ckpt.model;
    state = ckpt.state;
    sgd.setState(ckpt.optimizer, trainable(model));
    if (ckpt.layers) restoreLayerState(model, ckpt.layers, `resume from ${store!.description}`);
    else warnNoLayerState(model, store!.description);
  }
  let stopRequested = false;
  const onSigint = () => {
    stopRequested = true;
  };
  if (options.handleSigint) {
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint); // what Slurm (scancel, time limit) and Kubernetes send before killing
  }
  const history: EpochMetrics[] = [];
  const n = options.train.count;
  const stepsPerEpoch = Math.ceil(n / options.batchSize);
  const accumulate = options.accumulate ?? 1;
  const save = async () => {
    if (!store) return;
    const layers = await captureLayerState(model);
    await store.saveCheckpoint({ model, optimizer: await sgd.getState(), state: { ...state }, layers });
  };
  try {
    while (state.epoch < options.epochs) {
      const epoch = state.epoch;
      const sw = options.elasticSwitch;
      if (sw && state.phase === 'vanilla' && epoch >= sw.epoch) {
        const elastic = sw.toElastic(model);
        if (elastic !== model) model.dispose(); // the vanilla model is replaced by its elastic copy
        model = elastic;
        sgd.reset();
        state.phase = 'elastic';
      }
      const schedule = state.phase === 'elastic' && sw?.lr ? sw.lr : options.lr;
      const order = seededPermutation(n, deriveSeed(state.seed, epoch, 1));
      const started = performance.now();
      const bar = options.progress ? options.progress(`epoch ${epoch + 1}/${options.epochs}`, stepsPerEpoch) : quiet;
      let lr = 0;
      for (let step = state.step; step < stepsPerEpoch; step++) {
        await yieldToEventLoop(); // lets a SIGINT handler run between steps
        if (stopRequested || options.shouldStop?.({ epoch, step })) {
          bar.stop();
          state.step = step;
          await save();
          return { model, history, interrupted: true, stoppedEarly: false };
        }
        lr = schedule({ epoch, step, stepsPerEpoch });
        const stepSeed = deriveSeed(state.seed, epoch, step, 2);
        const indices = order.subarray(step * options.batchSize, (step + 1) * options.batchSize);
        const augment = options.augment;
        const mixup = options.mixup;
        let soft: Float32Array | null = null;
        const { x, y } = gatherBatch(
          options.train,
          indices,
          augment || mixup
            ? (p, shape) => {
                const out = augment ? augment(p, shape, deriveSeed(state.seed, epoch, step, 3)) : p;
                if (mixup) {
                  const labels = Int32Array.from(indices, (i) => options.train.labels[i]!);
                  const mixSeed = deriveSeed(state.seed, epoch, step, 7);
                  soft = mixupInPlace(out, labels, options.train.numClasses, mixup, mixSeed).soft;
                }
                return out;
              }
            : undefined,
        );
        const softLabels = soft === null ? undefined : tf.tensor2d(soft, [indices.length, options.train.numClasses]);
        const current = model;
        const ctx: StepContext<tf.Scalar> = {
          forward: (xb, training) => logitsOf(current, xb, training),
          numClasses: options.train.numClasses,
          variables: trainable(current),
          stateVariables: allWeights(current),
          seed: stepSeed,
          ...(softLabels ? { softLabels } : {}),
          update: (lossFn) => {
            const vars = ctx.variables as tf.Variable[];
            const value = tf.tidy(() => {
              const { value, grads } = tf.variableGrads(() => {
                const loss = lossFn();
                const penalty = weightPenalty(vars, options.regularizer ?? {});
                return penalty ? tf.add(loss, penalty) : loss;
              }, vars);
              sgd.apply(
                vars,
                vars.map((v) => grads[v.name] ?? null),
                lr,
              );
              return value;
            });
            constrain(current);
            return value; // kept on the device; read (awaited) once the step is done
          },
        };
        let lossValue: tf.Scalar;
        try {
          lossValue =
            accumulate === 1
              ? options.method.step(ctx, x, y)
              : stepInMicroBatches({
                  method: options.method,
                  x,
                  y,
                  ...(softLabels ? { softLabels } : {}),
                  accumulate,
                  context: (i) => ({
                    forward: ctx.forward,
                    numClasses: ctx.numClasses,
                    variables: ctx.variables,
                    stateVariables: ctx.stateVariables,
                    seed: i === 0 ? stepSeed : deriveSeed(state.seed, epoch, step, 2, i),
                  }),
                  variables: ctx.variables as tf.Variable[],
                  penalty: () => weightPenalty(ctx.variables as tf.Variable[], options.regularizer ?? {}),
                  apply: (grads) => {
                    sgd.apply(ctx.variables, grads, lr);
                    constrain(current);
                  },
                });
        } catch (err) {
          throw outOfMemoryHint(err, indices.length, accumulate);
        } finally {
          tf.dispose(softLabels ? [x, y, softLabels] : [x, y]);
        }
        let loss: number;
        try {
          loss = (await lossValue.data())[0]!; // the step's one read, awaited
        } finally {
          lossValue.dispose();
        }
        if (!Number.isFinite(loss))
          throw new TrainingError('invalid-state', 'lr', `train: loss became ${loss} at epoch ${epoch}, step ${step}`);
        state.lossSum += loss * indices.length;
        state.lossCount += indices.length;
        bar.update(step + 1, { loss: loss.toFixed(3), lr: lr.toPrecision(3) });
      }
      bar.stop();
      if (options.bnRecalibrationBatches) {
        recalibrateBatchNorm(model, options.train, {
          batches: options.bnRecalibrationBatches,
          batchSize: options.batchSize,
          seed: deriveSeed(state.seed, epoch, 6),
        });
      }
      const metrics = await evaluateEpoch(options, model, state, lr, (performance.now() - started) / 1000);
      await store?.appendMetrics(metrics);
      history.push(metrics);
      options.onEpoch?.(metrics);
      const score = Number.isFinite(metrics.testRobust) ? metrics.testRobust : metrics.testNatural;
      const improved = score > state.best;
      if (improved) {
        state.best = score;
        state.sinceBest = 0;
      } else {
        state.sinceBest += 1;
      }
      state = { ...state, epoch: epoch + 1, step: 0, lossSum: 0, lossCount: 0 };
      if (options.earlyStoppingPatience !== undefined && improved) {
        await store?.saveBest(model);
      }
      await save();
      if (options.earlyStoppingPatience !== undefined && state.sinceBest >= options.earlyStoppingPatience) {
        return { model, history, interrupted: false, stoppedEarly: true };
      }
    }
    return { model, history, interrupted: false, stoppedEarly: false };
  } finally {
    if (options.handleSigint) {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigint);
    }
    sgd.dispose();
  }
}

/** A checkpoint without layer state (an earlier version's, or a store that drops it): say what it costs, once. */
function warnNoLayerState(model: tf.LayersModel, where: string): void {
  const auto = model.layers.some((l) => isDictLayer(l) && l.options.stepSize === 'auto');
  if (!auto) return;
  console.error(
    `resume: the checkpoint in ${where} has no layer state (written by an earlier version, or by a store that drops ` +
      'StoredCheckpoint.layers): the DictConv2D step sizes restart their power iteration cold, so this run will not ' +
      'be bit for bit the uninterrupted one (it trains correctly otherwise)',
  );
}

// A macrotask, so a SIGINT handler (Node) or UI events (browser) run between steps.
const yieldToEventLoop =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function evaluateEpoch(
  options: TrainOptions,
  model: tf.LayersModel,
  state: TrainerState,
  lr: number,
  seconds: number,
): Promise<EpochMetrics> {
  const monitor = options.monitor ?? { attack: null };
  const forward = (x: tf.Tensor4D) => logitsOf(model, x, false);
  const settings = { attack: monitor.attack, batchSize: monitor.batchSize ?? options.batchSize };
  const tr = await monitorAccuracy(forward, options.train, firstIndices(options.train, monitor.trainSubset ?? 500), {
    ...settings,
    seed: deriveSeed(state.seed, state.epoch, 4),
  });
  const te = await monitorAccuracy(forward, options.test, firstIndices(options.test, monitor.testSubset ?? 500), {
    ...settings,
    seed: deriveSeed(state.seed, state.epoch, 5),
  });
  return {
    epoch: state.epoch + 1,
    phase: state.phase,
    lr,
    loss: state.lossCount > 0 ? state.lossSum / state.lossCount : Number.NaN,
    trainNatural: tr.natural,
    trainRobust: tr.robust,
    testNatural: te.natural,
    testRobust: te.robust,
    betas: (await options.betas?.(model)) ?? {},
    seconds,
  };
}
