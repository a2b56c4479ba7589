// The webgpu part of the @edl/ops benchmark: @edl/ops' WGSL kernels against tfjs-backend-webgpu's own, one process.
// Needs an adapter (a GPU with its Vulkan ICD, or SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json,
// which is a CPU emulation: its timings say nothing about GPUs). Run from the repo root:
//   node --conditions=@edl/source --import tsx packages/ops/bench/webgpu.ts
// EDL_BENCH_WEBGPU_SHAPE=B,S,C (default 32,32,64: the wasm bench's shape; 2,16,8 for a software adapter),
// EDL_BENCH_WEBGPU_CASES=a,b (default all), EDL_BENCH_REPS (default 5) runs after 2 warm-ups (the first compiles
// the shaders). Prints one JSON line.

import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerWebgpuKernels, setupBackend, unregisterWebgpuKernels } from '../src/index.node.ts';
import { elasticLayer } from './elastic-layer.ts';

const reps = Number(process.env.EDL_BENCH_REPS ?? 5);
const warm = 2;
const [B, S, C] = (process.env.EDL_BENCH_WEBGPU_SHAPE ?? '32,32,64').split(',').map(Number) as [number, number, number];
if (![B, S, C].every((v) => Number.isInteger(v) && v > 0) || S % 2 !== 0) {
  throw new Error(
    `EDL_BENCH_WEBGPU_SHAPE: expected B,S,C positive integers with S even, got ${process.env.EDL_BENCH_WEBGPU_SHAPE}`,
  );
}

interface Timing {
  ms: number;
  min: number;
  max: number;
  n: number;
}

/** Median wall time of `fn` including reading its results back (`await data()`), after `warm` runs. */
async function time(fn: () => tf.Tensor[]): Promise<Timing> {
  const ts: number[] = [];
  for (let i = 0; i < warm + reps; i++) {
    const t0 = performance.now();
    const outs = tf.tidy(fn);
    await Promise.all(outs.map((t) => t.data()));
    const dt = performance.now() - t0;
    for (const t of outs) t.dispose();
    if (i >= warm) ts.push(dt);
  }
  ts.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { ms: r(ts[Math.floor(ts.length / 2)]!), min: r(ts[0]!), max: r(ts.at(-1)!), n: reps };
}

await setupBackend({ backend: 'webgpu', quiet: true });
tf.env().set('WEBGPU_CPU_FORWARD', false);
const info = (tf.backend() as WebGPUBackend).adapterInfo as unknown as { vendor?: string; architecture?: string };
const adapter = `${info.vendor ?? '?'} ${info.architecture ?? '?'}`;
const software = /swiftshader|llvmpipe|lavapipe/i.test(adapter);

const x = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 1) as tf.Tensor4D;
const W = tf.mul(tf.randomNormal([3, 3, C, C], 0, 1, 'float32', 2), Math.sqrt(2 / (9 * C))) as tf.Tensor4D;
const G = tf.randomNormal([B, S, S, C], 0, 1, 'float32', 3) as tf.Tensor4D;
const z2 = tf.randomNormal([B, S / 2, S / 2, C], 0, 1, 'float32', 4) as tf.Tensor4D;
const base = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC' };
const kernel = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () => [
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor,
];
const cases: Record<string, () => tf.Tensor[]> = {
  Conv2DBackpropFilter: kernel('Conv2DBackpropFilter', { x, dy: G }, { ...base, filterShape: [3, 3, C, C] }),
  Conv2DBackpropInput: kernel('Conv2DBackpropInput', { dy: G, filter: W }, { ...base, inputShape: [B, S, S, C] }),
  'Conv2DBackpropInput-s2': kernel(
    'Conv2DBackpropInput',
    { dy: z2, filter: W },
    { ...base, strides: [2, 2], inputShape: [B, S, S, C] },
  ),
  'conv2d-fwd-bwd': () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), G)),
    )([x, W]),
  layer: () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(elasticLayer(a as tf.Tensor4D, b as tf.Tensor4D), G)))([
      x,
      W,
    ]),
};

const only = process.env.EDL_BENCH_WEBGPU_CASES?.split(',');
for (const name of only ?? []) {
  if (!(name in cases))
    throw new Error(`EDL_BENCH_WEBGPU_CASES: unknown case '${name}', expected ${Object.keys(cases)}`);
}
for (const name of Object.keys(cases)) if (only && !only.includes(name)) delete cases[name];
const ours: Record<string, Timing> = {};
const stock: Record<string, Timing> = {};
registerWebgpuKernels();
for (const [name, fn] of Object.entries(cases)) ours[name] = await time(fn);
unregisterWebgpuKernels();
for (const [name, fn] of Object.entries(cases)) stock[name] = await time(fn);
registerWebgpuKernels();
console.log(JSON.stringify({ adapter, software, shape: [B, S, C], reps, ours, stock }));
