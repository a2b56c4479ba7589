// One configuration of the @edl/ops benchmark, run in its own process (threads are fixed per process).
// Usage (from the repo root): node --conditions=@edl/source --import tsx packages/ops/bench/cases.ts <stock1|ours1|ours2|native2>
// Prints one JSON line: { config, threads, kernels, cases: { name: { ms, min, max, n, gflop } }, profile }.
import * as tf from '@tensorflow/tfjs';
import { fusedRistaAvailable, registerWasmConvKernels, setupBackend } from '../src/index.node.ts';
import { elasticLayer } from './elastic-layer.ts';

const config = process.argv[2] ?? 'ours2';
const reps = Number(process.env.EDL_BENCH_REPS ?? 5);
const warm = 2;

async function init(): Promise<{ threads: number; kernels: string[] }> {
  if (config === 'stock1') {
    // Stock wasm, 1 thread, plus only our filter gradient (stock wasm cannot run a conv backward pass at all).
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('wasm did not initialise');
    const kernels = registerWasmConvKernels({ kernels: ['Conv2DBackpropFilter'] });
    return { threads: wasm.getThreadsCount(), kernels };
  }
  if (config === 'ours2' || config === 'ours1' || config === 'native2') {
    const info = await setupBackend({
      backend: 'wasm',
      threads: config === 'ours1' ? 1 : 2,
      quiet: true,
      native: config === 'native2' ? 'require' : 'off',
    });
    return { threads: info.threads, kernels: info.kernels };
  }
  throw new Error(`config: expected stock1, ours1, ours2 or native2, got ${config}`);
}

interface Timing {
  ms: number;
  min: number;
  max: number;
  n: number;
  gflop: number;
  gflops: number;
  /** Median process CPU time (all threads) per run: under contention it moves far less than wall time. */
  cpuMs: number;
}

/** Median wall time of `fn` (which must read its result back) after `warm` untimed runs. */
function time(fn: () => void, gflop: number): Timing {
  const ts: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < warm + reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i >= warm) {
      ts.push(dt);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  ts.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const ms = ts[Math.floor(ts.length / 2)]!;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    ms: r(ms),
    min: r(ts[0]!),
    max: r(ts[ts.length - 1]!),
    n: reps,
    gflop: r(gflop),
    gflops: r(gflop / (ms / 1000)),
    cpuMs: r(cpu[Math.floor(cpu.length / 2)]!),
  };
}

const B = 32;
const C = 64;
const S = 32;
const CONV_GFLOP = (2 * B * S * S * C * C * 9) / 1e9; // one 3x3 stride-1 conv, 2.416 GFLOP

async function main(): Promise<void> {
  const { threads, kernels } = await init();
  const x = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 1) as tf.Tensor4D;
  const W = tf.mul(tf.randomNormal([3, 3, C, C], 0, 1, 'float32', 2), Math.sqrt(2 / (9 * C))) as tf.Tensor4D;
  const G = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 3) as tf.Tensor4D;
  const z2 = tf.randomNormal([B, S / 2, S / 2, C], 0, 1, 'float32', 4) as tf.Tensor4D;
  const pad1: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ];
  const read = (ts: tf.Tensor[]) => {
    for (const t of ts) t.dataSync();
  };
  const convGrad = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), G)),
  );
  const layerGrad = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(elasticLayer(a as tf.Tensor4D, b as tf.Tensor4D), G)),
  );

  const cases: Record<string, Timing> = {};
  const run = (name: string, gflop: number, fn: () => tf.Tensor[]) => {
    const before = tf.memory().numTensors;
    cases[name] = time(() => tf.tidy(() => read(fn())), gflop);
    if (tf.memory().numTensors !== before)
      throw new Error(`${name}: leaked ${tf.memory().numTensors - before} tensors`);
  };
  run('conv2d', CONV_GFLOP, () => [tf.conv2d(x, W, 1, 'same')]);
  run('conv2d-fwd-bwd', 3 * CONV_GFLOP, () => convGrad([x, W]));
  run('conv2dTranspose', CONV_GFLOP, () => [tf.conv2dTranspose(x, W, [B, S, S, C], 1, 'same')]);
  run('conv2dTranspose-s2', CONV_GFLOP / 4, () => [tf.conv2dTranspose(z2, W, [B, S, S, C], 2, pad1)]);
  run('layer-fwd', 5 * CONV_GFLOP, () => [elasticLayer(x, W)]);
  run('layer', 15 * CONV_GFLOP, () => layerGrad([x, W]));
  if (fusedRistaAvailable()) {
    const compositeGrad = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(elasticLayer(a as tf.Tensor4D, b as tf.Tensor4D, false), G)),
    );
    run('layer-composite', 15 * CONV_GFLOP, () => compositeGrad([x, W]));
  }

  // Where the layer's time goes: per-kernel wall time of one forward+backward pass (tf.profile).
  const prof = await tf.profile(() => tf.tidy(() => read(layerGrad([x, W]))));
  const byKernel: Record<string, { ms: number; calls: number }> = {};
  for (const k of prof.kernels) {
    const ms = Number(await k.kernelTimeMs);
    const e = byKernel[k.name] ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    byKernel[k.name] = e;
  }
  for (const e of Object.values(byKernel)) e.ms = Math.round(e.ms * 10) / 10;
  console.log(JSON.stringify({ config, threads, kernels, cases, profile: byKernel }));
}

await main();
