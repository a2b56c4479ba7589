// @edl/ops benchmark: conv2d, conv2d forward+backward, conv2dTranspose (stride 1 and 2) and the T=3 elastic
// unrolled layer forward+backward, batch 32, 64->64 channels, 3x3, 32x32 (NHWC), for
//   stock1: stock tfjs-backend-wasm, 1 thread, plus only our Conv2DBackpropFilter (stock cannot run backward)
//   ours2:  @edl/ops setupBackend: our Conv2DBackpropFilter + Conv2DBackpropInput, 2 threads (multithreading shim)
//   native2: @edl/ops setupBackend with the native addon's conv kernels (built at install), 2 threads
// against PyTorch CPU with 2 threads (Debian python3-torch) when /usr/bin/python3 has torch.
// Each configuration runs in its own process (wasm threads are fixed per process). Median of EDL_BENCH_REPS
// (default 5) runs after 2 warm-ups. Run from the repo root:
//   node --conditions=@edl/source --import tsx packages/ops/bench/index.ts
// With EDL_BENCH_WEBGPU=1 also bench/webgpu.ts (needs a WebGPU adapter). Writes .bench/ops.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Timing {
  ms: number;
  min: number;
  max: number;
  n: number;
  gflop?: number;
  gflops?: number;
  cpuMs?: number;
}
interface ConfigResult {
  config: string;
  threads: number;
  kernels: string[];
  cases: Record<string, Timing>;
  profile: Record<string, { ms: number; calls: number }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const python = '/usr/bin/python3';

function runConfig(config: string): ConfigResult {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@edl/source', '--import', 'tsx', join(here, 'cases.ts'), config],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: process.env },
  );
  if (r.status !== 0) throw new Error(`bench config ${config} failed (exit ${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ConfigResult;
}

function runPython(args: string[]): Record<string, unknown> | undefined {
  const r = spawnSync(python, args, { cwd: root, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
  if (r.status !== 0) {
    console.warn(`torch peer ${args[0]} failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

function hasTorch(): boolean {
  if (!existsSync(python)) return false;
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

const reps = process.env.EDL_BENCH_REPS ?? '5';
console.log(
  `@edl/ops bench: ${os.cpus().length} vCPU (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, reps ${reps}`,
);
const stock = runConfig('stock1');
const wasmOurs = runConfig('ours2');
let nativeOurs: ConfigResult | undefined;
try {
  nativeOurs = runConfig('native2');
} catch (err) {
  console.warn(
    `WARNING: the native conv kernels did not run, so '@edl/ops' below means the wasm kernels: ${(err as Error).message.split('\n').find((l) => l.includes('native')) ?? ''}`,
  );
}
/** The fastest @edl/ops configuration: native kernels when built. */
const ours = nativeOurs ?? wasmOurs;
const oursLabel = nativeOurs ? 'native' : 'wasm';

let torch: Record<string, Timing> = {};
let torchNote = '';
if (hasTorch()) {
  const conv = runPython([join('packages', 'ops', 'bench', 'torch_conv_peer.py'), '--threads', '2', '--reps', reps]);
  const peerLayer = join(root, '..', 'shared', 'bench', 'torch_peer.py');
  const layer = existsSync(peerLayer)
    ? runPython([peerLayer, '--cases', 'layer', '--threads', '2', '--reps', reps])
    : undefined;
  if (!existsSync(peerLayer)) torchNote = `layer peer ${peerLayer} not found; `;
  torch = { ...(conv as Record<string, Timing>), ...(layer ? { layer: layer.layer as Timing } : {}) };
  torchNote += `PyTorch ${String(conv?.torch ?? layer?.torch ?? '?')} CPU, 2 threads`;
} else {
  torchNote = `PyTorch not available (${python} has no torch): no ratios. Install: apt-get install -y python3-torch libopenblas0-openmp`;
}

const names = Object.keys(ours.cases);
// 'layer' runs the fused elementwise kernels where the native addon is loaded; 'layer-composite' the tfjs ops.
const fmt = (t: Timing | undefined) => (t ? `${t.ms.toFixed(1)} (${(t.gflops ?? 0).toFixed(1)})` : '-');
const rows = names.map((name) => {
  const s = stock.cases[name];
  const o = ours.cases[name]!;
  const p = torch[name];
  return {
    case: name,
    gflop: o.gflop ?? 0,
    stock1: s,
    wasm2: wasmOurs.cases[name],
    ours2: o,
    speedupVsStock: s ? Math.round((s.ms / o.ms) * 100) / 100 : undefined,
    torch2: p,
    ratioVsTorch: p ? Math.round((o.ms / p.ms) * 100) / 100 : undefined,
  };
});

console.log(`\n${torchNote}`);
console.log(
  'wall ms median (GFLOP/s); cpu ms = process CPU time of all threads (about threads x wall when the cores are free);',
);
console.log(`ours = @edl/ops ${oursLabel}; speedup = stock / ours; ratio = ours / torch 2T (lower is better)\n`);
if (ours.threads !== 2) console.warn(`note: @edl/ops ran with ${ours.threads} thread(s), not 2`);
const header = [
  'case',
  'GFLOP',
  `stock wasm ${stock.threads}T`,
  `@edl/ops wasm ${wasmOurs.threads}T`,
  `@edl/ops ${oursLabel} ${ours.threads}T`,
  'cpu ms (ours)',
  'speedup',
  'torch 2T',
  'ratio',
];
const table = rows.map((r) => [
  r.case,
  r.gflop.toFixed(2),
  fmt(r.stock1),
  fmt(r.wasm2),
  fmt(r.ours2),
  r.ours2.cpuMs !== undefined ? r.ours2.cpuMs.toFixed(0) : '-',
  r.speedupVsStock ? `${r.speedupVsStock}x` : '-',
  r.torch2 ? r.torch2.ms.toFixed(1) : '-',
  r.ratioVsTorch ? `${r.ratioVsTorch}x` : '-',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of table) console.log(line(row));

// Where the layer forward+backward spends its time (tf.profile wall time per kernel, one pass, ours 2T).
const conv = new Set(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
const total = Object.values(ours.profile).reduce((s, e) => s + e.ms, 0);
const convMs = Object.entries(ours.profile)
  .filter(([k]) => conv.has(k))
  .reduce((s, [, e]) => s + e.ms, 0);
const byShare = Object.entries(ours.profile).sort((a, b) => b[1].ms - a[1].ms);
console.log(
  `\nlayer fwd+bwd profile (${oursLabel} 2T, one pass, ${total.toFixed(0)} ms in kernels): conv kernels ${((100 * convMs) / total).toFixed(1)}%, elementwise and the rest ${((100 * (total - convMs)) / total).toFixed(1)}%`,
);
console.log(byShare.map(([k, e]) => `${k} ${e.ms.toFixed(1)} ms / ${e.calls}`).join(', '));

// The webgpu part (bench/webgpu.ts): @edl/ops' WGSL kernels against tfjs-backend-webgpu's, only with
// EDL_BENCH_WEBGPU=1 and an adapter (a GPU; a software adapter such as SwiftShader says nothing about GPU speed).
let webgpu: Record<string, unknown> | undefined;
if (process.env.EDL_BENCH_WEBGPU === '1') {
  const r = spawnSync(process.execPath, ['--conditions=@edl/source', '--import', 'tsx', join(here, 'webgpu.ts')], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: process.env,
  });
  if (r.status !== 0) {
    console.warn(
      `\nWARNING: the webgpu bench failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  } else {
    webgpu = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    const w = webgpu as {
      adapter: string;
      software: boolean;
      shape: number[];
      ours: Record<string, Timing>;
      stock: Record<string, Timing>;
    };
    console.log(
      `\nwebgpu (${w.adapter}${w.software ? ', a SOFTWARE adapter: not a GPU figure' : ''}), batch ${w.shape[0]}, ${w.shape[1]}x${w.shape[1]}, ${w.shape[2]} channels; ms median`,
    );
    for (const [name, o] of Object.entries(w.ours)) {
      const t = w.stock[name]!;
      console.log(
        `${name.padEnd(24)} @edl/ops ${o.ms.toFixed(1).padStart(9)}  tfjs-webgpu ${t.ms.toFixed(1).padStart(9)}  tfjs / ours ${(t.ms / o.ms).toFixed(2)}x`,
      );
    }
  }
}

const out = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() },
  reps: Number(reps),
  unit: 'ms median; gflops = GFLOP / s',
  torch: torchNote,
  configs: {
    stock1: { threads: stock.threads, kernels: stock.kernels },
    ours2: { threads: wasmOurs.threads, kernels: wasmOurs.kernels },
    ...(nativeOurs ? { native2: { threads: nativeOurs.threads, kernels: nativeOurs.kernels } } : {}),
  },
  cases: rows,
  layerProfile: { totalMs: total, convShare: convMs / total, kernels: ours.profile },
  ...(webgpu ? { webgpu } : {}),
};
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(join(root, '.bench', 'ops.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `\nwrote .bench/ops.json (load average during the run: ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')})`,
);
