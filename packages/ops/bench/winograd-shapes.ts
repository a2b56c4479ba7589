// Direct vs Winograd per conv shape, straight on the native addon (no tfjs): the CIFAR ResNet18 3x3 stride-1 convs,
// forward (relu fused) and input gradient, interleaved rep by rep; min / median ms. Then the accuracy of each
// against a float64 reference (batch 2). Two private copies of the built addon are loaded, one with
// EDL_NATIVE_CONV_ALGORITHM=direct and one with =winograd (the choice is read once per loaded copy).
//   node --conditions=@edl/source --import tsx packages/ops/bench/winograd-shapes.ts [batch=32] [reps=9]
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeConvAddon } from '../src/backend/native-addon.ts';

const batch = Number(process.argv[2] ?? 32);
const reps = Number(process.argv[3] ?? 9);
const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'build', 'edl_native.node');
const dir = mkdtempSync(join(tmpdir(), 'edl-winograd-bench-'));
const require = createRequire(import.meta.url);
function load(algorithm: 'direct' | 'winograd'): NativeConvAddon {
  const copy = join(dir, `${algorithm}.node`);
  copyFileSync(built, copy);
  process.env.EDL_NATIVE_CONV_ALGORITHM = algorithm;
  const addon = require(copy) as NativeConvAddon;
  if (addon.info().convAlgorithm !== algorithm)
    throw new Error(`the ${algorithm} copy reports ${addon.info().convAlgorithm}`);
  return addon;
}
const addons = { direct: load('direct'), winograd: load('winograd') };
rmSync(dir, { recursive: true, force: true });

let seed = 1;
const fill = (n: number, scale = 1) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    a[i] = ((seed >>> 8) / 16777216) * 2 * scale - scale;
  }
  return a;
};
const geometry = (b: number, s: number, cin: number, cout: number) =>
  Int32Array.from([b, s, s, cin, s, s, cout, 3, 3, 1, 1, 1, 1]);
const shapes: [number, number, number][] = [
  [32, 64, 64],
  [16, 128, 128],
  [8, 256, 256],
  [4, 512, 512],
];

console.log(`batch ${batch}, ${reps} interleaved reps, min / median ms`);
for (const [s, cin, cout] of shapes) {
  const g = geometry(batch, s, cin, cout);
  const x = fill(batch * s * s * cin);
  const w = fill(9 * cin * cout, 0.05);
  const dy = fill(batch * s * s * cout);
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const t: Record<string, number[]> = {};
  for (let r = 0; r < reps; r++)
    for (const algo of ['direct', 'winograd'] as const)
      for (const pass of ['forward', 'input gradient'] as const) {
        const t0 = performance.now();
        if (pass === 'forward') addons[algo].conv2dForward(g, x, w, y, null, 1, 0);
        else addons[algo].conv2dBackpropInput(g, dy, w, dx);
        const key = `${pass} ${algo}`;
        t[key] = [...(t[key] ?? []), performance.now() - t0];
      }
  const stat = (k: string) => {
    const v = [...t[k]!].sort((a, b) => a - b);
    return `${v[0]!.toFixed(2)} / ${v[v.length >> 1]!.toFixed(2)}`;
  };
  console.log(
    `${s}x${s}x${cin}->${cout}: forward direct ${stat('forward direct')}, winograd ${stat('forward winograd')}; ` +
      `input gradient direct ${stat('input gradient direct')}, winograd ${stat('input gradient winograd')}`,
  );
}

console.log('accuracy, batch 2: max |error| / max |y| against float64');
for (const [s, cin, cout] of shapes) {
  const g = geometry(2, s, cin, cout);
  const x = fill(2 * s * s * cin);
  const w = fill(9 * cin * cout, 0.05);
  const ref = new Float64Array(2 * s * s * cout);
  for (let b = 0; b < 2; b++)
    for (let oh = 0; oh < s; oh++)
      for (let ow = 0; ow < s; ow++)
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++) {
            const ih = oh + kh - 1;
            const iw = ow + kw - 1;
            if (ih < 0 || ih >= s || iw < 0 || iw >= s) continue;
            const xo = ((b * s + ih) * s + iw) * cin;
            const yo = ((b * s + oh) * s + ow) * cout;
            for (let ci = 0; ci < cin; ci++) {
              const xv = x[xo + ci]!;
              const wo = ((kh * 3 + kw) * cin + ci) * cout;
              for (let co = 0; co < cout; co++) ref[yo + co]! += xv * w[wo + co]!;
            }
          }
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const err = (algo: 'direct' | 'winograd') => {
    const y = new Float32Array(ref.length);
    addons[algo].conv2dForward(g, x, w, y, null, 0, 0);
    return (y.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0) / scale).toExponential(2);
  };
  console.log(`${s}x${s}x${cin}->${cout}: direct ${err('direct')}, winograd ${err('winograd')}`);
}
