import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyConstraints } from '@edl/layers';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { gatherBatch } from '../loop/labelled-images.ts';
import { seededPermutation } from '../loop/seeds.ts';
import { Sgd } from '../loop/sgd.ts';
import { logitsOf } from '../loop/trainer.ts';
import { pgdAT } from '../methods/pgd-at.ts';
import type { StepContext } from '../methods/training-method.ts';
import { loadData } from './load-data.ts';
import { int } from './parse-flags.ts';
import { QUICKSTART_DEFAULTS } from './quickstart-defaults.ts';
import { resolveTrainConfig } from './train-config.ts';
import { buildModel } from './train-from-config.ts';

/** One row of the training benchmark. */
export interface EpochBenchRow {
  conv: string;
  batches: number;
  batchSize: number;
  attackSteps: number;
  /** Measured seconds for `batches` steps, and extrapolated to one epoch of `trainCount` images. */
  seconds: number;
  secondsPerEpoch: number;
  /** Share of step time spent generating PGD examples vs. computing and applying the update. */
  attackShare: number;
  updateShare: number;
}

/**
 * Times PGD-AT (PGD-`attackSteps`) steps of the main job's model and data: `batches` timed steps after one warm-up
 * step, split into attack time and update time, extrapolated to one epoch.
 */
export async function benchPgdAtEpoch(options: {
  conv: 'standard' | 'vanilla' | 'elastic';
  batches: number;
  attackSteps?: number;
}): Promise<EpochBenchRow> {
  const c = resolveTrainConfig(QUICKSTART_DEFAULTS.config, { conv: options.conv });
  const attackSteps = options.attackSteps ?? 7;
  const data = await loadData(c);
  const model = buildModel(c, data.train);
  const sgd = new Sgd({ momentum: c.momentum, nesterov: c.nesterov, weightDecay: c.weightDecay });
  const method = pgdAT({ eps: c.eps, stepSize: (2.5 * c.eps) / attackSteps, steps: attackSteps });
  const order = seededPermutation(data.train.count, 1);
  let attack = 0;
  let update = 0;
  for (let b = 0; b <= options.batches; b++) {
    const { x, y } = gatherBatch(data.train, order.subarray(b * c.batchSize, (b + 1) * c.batchSize));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let updateMs = 0;
    // The loss stays on the device and is read (awaited) after the step. On the cpu / wasm / native kernels ops run
    // when dispatched, so the update's wall time is measured inside it; on an asynchronous backend (webgpu) the split
    // between attack and update would only show dispatch time.
    const ctx: StepContext<tf.Scalar> = {
      forward: (xb, training) => logitsOf(model, xb, training),
      numClasses: data.train.numClasses,
      variables: vars,
      stateVariables: model.weights.map((w) => w.read() as tf.Variable),
      seed: b,
      update: (lossFn) => {
        const t = performance.now();
        const v = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(lossFn, vars);
          sgd.apply(
            vars,
            vars.map((v) => grads[v.name] ?? null),
            c.lr,
          );
          return value;
        });
        applyConstraints(model);
        updateMs = performance.now() - t;
        return v;
      },
    };
    const t0 = performance.now();
    const loss = method.step(ctx, x, y);
    await loss.data();
    loss.dispose();
    const total = performance.now() - t0;
    tf.dispose([x, y]);
    if (b === 0) continue; // warm-up
    update += updateMs;
    attack += total - updateMs;
  }
  sgd.dispose();
  model.dispose();
  const seconds = (attack + update) / 1000;
  const stepsPerEpoch = Math.ceil(c.trainCount / c.batchSize);
  return {
    conv: options.conv,
    batches: options.batches,
    batchSize: c.batchSize,
    attackSteps,
    seconds,
    secondsPerEpoch: (seconds / options.batches) * stepsPerEpoch,
    attackShare: attack / (attack + update),
    updateShare: update / (attack + update),
  };
}

/** Prints rows as a table and writes them as JSON. */
export function writeBench(rows: EpochBenchRow[], path: string, backend: string): void {
  console.log('| conv | batches x size | PGD steps | s / epoch (extrapolated) | attack share | update share |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.conv} | ${r.batches} x ${r.batchSize} | ${r.attackSteps} | ${r.secondsPerEpoch.toFixed(1)} | ${(100 * r.attackShare).toFixed(0)}% | ${(100 * r.updateShare).toFixed(0)}% |`,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ backend, date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`wrote ${path}`);
}

/** `edl bench`. */
export function benchCommand(): Command {
  return new Command('bench')
    .description("seconds per PGD-AT (PGD-7) epoch of the main job's model and data, and the attack / update split")
    .option('--batches <n>', 'timed batches per model (after one warm-up batch)', int, 3)
    .option('--attack-steps <n>', 'PGD steps of the training attack', int, 7)
    .option('--out <file>', 'JSON output', '.bench/training.json')
    .action(async (opts: { batches: number; attackSteps: number; out: string }) => {
      const info = await setupBackend({ backend: 'auto' });
      const rows: EpochBenchRow[] = [];
      for (const conv of ['standard', 'vanilla'] as const) {
        rows.push(await benchPgdAtEpoch({ conv, batches: opts.batches, attackSteps: opts.attackSteps }));
      }
      writeBench(rows, opts.out, `${info.backend} (${info.threads} threads)`);
    });
}
