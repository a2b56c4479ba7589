// One case of the @edl/models benchmark, run in its own process by bench/index.ts (a wasm abort, e.g. the 4 GB
// heap limit, then kills only this case). Prints one JSON line: { ms, min, max, n } or exits non-zero.
// Usage: case.ts <standard|elastic> <train|infer> <batch> <reps>
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { resnet18Step } from './resnet18-step.ts';

const [conv, mode, batchArg, repsArg] = process.argv.slice(2);
if ((conv !== 'standard' && conv !== 'elastic') || (mode !== 'train' && mode !== 'infer')) {
  throw new Error(
    `usage: case.ts <standard|elastic> <train|infer> <batch> <reps>, got ${process.argv.slice(2).join(' ')}`,
  );
}
const batch = Number(batchArg ?? 32);
const reps = Number(repsArg ?? 3);

const setup = await setupBackend({ backend: 'wasm', threads: 2, quiet: true });
if (setup.backend !== 'wasm') throw new Error(`expected the wasm backend, got ${setup.backend}`);
const run = resnet18Step(conv, batch, mode === 'train')[mode];

run(); // warm-up; for training it also creates the momentum slots and sets the step sizes
const before = tf.memory().numTensors;
const ts: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  run();
  ts.push(performance.now() - t0);
}
if (tf.memory().numTensors !== before) {
  throw new Error(`tensor count changed from ${before} to ${tf.memory().numTensors} over the timed loop`);
}
ts.sort((a, b) => a - b);
const round = (v: number) => Math.round(v * 10) / 10;
console.log(
  JSON.stringify({
    ms: round((ts[Math.floor((ts.length - 1) / 2)]! + ts[Math.ceil((ts.length - 1) / 2)]!) / 2),
    min: round(ts[0]!),
    max: round(ts.at(-1)!),
    n: reps,
  }),
);
