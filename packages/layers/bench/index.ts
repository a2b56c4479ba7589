// Benchmark of @edl/layers: forward + backward time of one elastic DictConv2D (T = 3) with and without
// `recompute` (gradient checkpointing), and the tensor memory held between the forward and the backward pass.
// Run from the repo root: node --conditions=@edl/source --import tsx packages/layers/bench/index.ts [backend] [reps]
// (backend: wasm (default, 2 threads) or cpu). Writes .bench/layers.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { DictConv2D } from '../src/index.ts';

const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu';
const reps = Number(process.argv[3] ?? 3);
const cases: { name: string; input: [number, number, number, number]; filters: number }[] = [
  { name: 'B16 16x16x64 -> 64', input: [16, 16, 16, 64], filters: 64 },
  { name: 'B16 32x32x32 -> 32', input: [16, 32, 32, 32], filters: 32 },
];

interface Row {
  case: string;
  recompute: boolean;
  forwardMs: number;
  forwardBackwardMs: number;
  heldTensors: number;
  heldMiB: number;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function measure(layer: DictConv2D, x: tf.Tensor4D) {
  const loss = () => tf.mean(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar;
  const forward = () => tf.tidy(() => loss().dataSync());
  let held = { numTensors: 0, numBytes: 0 };
  const forwardBackward = () =>
    tf.tidy(() => {
      const before = tf.memory();
      const { grads } = tf.variableGrads(() => {
        const l = loss();
        const now = tf.memory();
        held = { numTensors: now.numTensors - before.numTensors, numBytes: now.numBytes - before.numBytes };
        return l;
      });
      for (const g of Object.values(grads)) g.dataSync();
    });
  forward();
  forwardBackward(); // warm-up
  const time = (f: () => void) =>
    median(
      Array.from({ length: reps }, () => {
        const t0 = performance.now();
        f();
        return performance.now() - t0;
      }),
    );
  return { forwardMs: time(forward), forwardBackwardMs: time(forwardBackward), held };
}

const info = await setupBackend({ backend, threads: 2, quiet: true });
const rows: Row[] = [];
for (const c of cases) {
  const x = tf.randomNormal(c.input, 0, 1, 'float32', 1) as tf.Tensor4D;
  for (const recompute of [false, true]) {
    const layer = new DictConv2D({ filters: c.filters, kind: 'elastic', steps: 3, recompute, trainLambda: true });
    layer.apply(tf.zeros([1, ...c.input.slice(1)]));
    const m = measure(layer, x);
    rows.push({
      case: c.name,
      recompute,
      forwardMs: Math.round(m.forwardMs),
      forwardBackwardMs: Math.round(m.forwardBackwardMs),
      heldTensors: m.held.numTensors,
      heldMiB: Math.round((m.held.numBytes / 2 ** 20) * 10) / 10,
    });
    layer.dispose();
  }
  x.dispose();
}
console.log(`backend: ${info.backend} (${info.threads} threads), median of ${reps}`);
console.table(rows);
for (const c of cases) {
  const [off, on] = rows.filter((r) => r.case === c.name);
  console.log(
    `${c.name}: recompute costs ${Math.round((on!.forwardBackwardMs / off!.forwardBackwardMs - 1) * 100)}% time, ` +
      `holds ${Math.round((1 - on!.heldMiB / off!.heldMiB) * 100)}% less memory between forward and backward`,
  );
}
mkdirSync('.bench', { recursive: true });
writeFileSync(
  '.bench/layers.json',
  JSON.stringify({ backend: info.backend, threads: info.threads, reps, rows }, null, 2),
);
