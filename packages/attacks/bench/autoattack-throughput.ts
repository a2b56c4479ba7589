// AutoAttack throughput: each 'standard' component (APGD-CE, APGD-T, FAB-T, Square, at the reference settings and
// full budget) and the whole 'standard' AutoAttack on small CIFAR ResNet18s (standard and elastic DL) and a small
// vanilla-DL ResNet10 (MNIST-shaped), with the passes through the model counted and timed alone, next to the
// reference PyTorch AutoAttack (autoattack_peer.py) on the same weights and images, interleaved component by
// component. Used by bench/index.ts; writes its part of .bench/attacks.json.
//
// Environment: EDL_AA_IMAGES (default 4), EDL_AA_WIDTH (width multiplier of the ResNet18s, default 0.125),
// EDL_AA_MODELS (comma list of resnet18-standard, resnet18-elastic, dl-small; default all), EDL_AA_COMPONENTS
// (comma list of apgd-ce, apgd-t, fab-t, square, standard; default all; also fab-t-batched, ours only), EDL_AA_EPS (in 1/255, default 0.5),
// EDL_AA_REPS (repetitions of the ours / reference pair, default 1), EDL_AA_BUDGET (fraction of the reference's
// 100 iterations and 5000 queries for both sides, default 1: the full budget), EDL_AUTOATTACK_REF (a checkout of
// fra31/auto-attack: the reference is skipped with a message without it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type ResNetOptions, resnet } from '../../models/src/index.ts';
import { exportSafetensorsFile } from '../../models/src/node.ts';
import { type Attack, apgd, apgdTargeted, autoAttack, fabTargeted, fromLayersModel, square } from '../src/index.ts';
import { countingModel, cpuMs, emptyCounts, imagePasses, PassTimer } from './pass-counter.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const PEER = join(here, 'autoattack_peer.py');

export type ComponentName = 'apgd-ce' | 'apgd-t' | 'fab-t' | 'fab-t-batched' | 'square' | 'standard';
const DEFAULT_COMPONENTS: ComponentName[] = ['apgd-ce', 'apgd-t', 'fab-t', 'square', 'standard'];
/** 'fab-t-batched': ours only, FAB-T with projection 'batched' (the GPU path) on the CPU, to check the 'auto' choice. */
const ALL_COMPONENTS: ComponentName[] = [...DEFAULT_COMPONENTS, 'fab-t-batched'];

interface BenchModel {
  name: string;
  description: string;
  options: ResNetOptions;
  /** What the PyTorch rebuild needs (torch_resnet_check.py's ResNet). */
  arch: { blocks: number[]; widths: number[]; classes: number; dict: { steps: number; eps: number } | null };
}

function benchModels(width: number): BenchModel[] {
  const widths = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * width)));
  const r18 = { blocks: [2, 2, 2, 2], widths, classes: 10 };
  const small = [64, 128, 256, 512].map((w) => Math.max(1, Math.round(w * 0.125)));
  return [
    {
      name: 'resnet18-standard',
      description: `CIFAR ResNet18, standard convs, widths ${widths.join('/')}, 32x32x3`,
      options: { depth: 18, conv: 'standard', widthMultiplier: width, seed: 1 },
      arch: { ...r18, dict: null },
    },
    {
      name: 'resnet18-elastic',
      description: `CIFAR ResNet18, every 3x3 conv Elastic DL (T = 3), widths ${widths.join('/')}, 32x32x3`,
      options: { depth: 18, conv: 'elastic', widthMultiplier: width, steps: 3, stepSizeRefresh: 1e9, seed: 1 },
      arch: { ...r18, dict: { steps: 3, eps: 1e-3 } },
    },
    {
      name: 'dl-small',
      description: `ResNet10, every 3x3 conv vanilla DL (T = 2), widths ${small.join('/')}, 28x28x1 (MNIST-shaped)`,
      options: {
        depth: 10,
        conv: 'vanilla',
        widthMultiplier: 0.125,
        inputShape: [28, 28, 1],
        firstStageStride: 1,
        steps: 2,
        stepSizeRefresh: 1e9,
        seed: 1,
      },
      arch: { blocks: [1, 1, 1, 1], widths: small, classes: 10, dict: { steps: 2, eps: 1e-3 } },
    },
  ];
}

/** The first `n` CIFAR-10 test images (lossless subset), as [n, 32, 32, 3]; 28x28 grey centre crops for MNIST shape. */
function loadImages(root: string, n: number, shape: [number, number, number]): tf.Tensor4D {
  const path = join(root, '..', 'shared', 'data', 'cifar10', 'test_first1000.bin');
  const pixels = new Float32Array(n * 32 * 32 * 3);
  if (existsSync(path)) {
    const buf = readFileSync(path);
    for (let r = 0; r < n; r++) {
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++) pixels[r * 3072 + p * 3 + c] = (buf[r * 3073 + 1 + c * 1024 + p] ?? 0) / 255;
      }
    }
  } else {
    console.warn(`  ${path} not found: using seeded uniform noise images`);
    pixels.set(tf.tidy(() => tf.randomUniform([n * 3072], 0, 1, 'float32', 11)).dataSync());
  }
  return tf.tidy(() => {
    const rgb = tf.tensor4d(pixels, [n, 32, 32, 3]);
    if (shape[2] === 3) return rgb;
    const grey = tf.mean(rgb, 3, true);
    return tf.slice(grey, [0, 2, 2, 0], [n, shape[0], shape[1], 1]) as tf.Tensor4D;
  });
}

/** Iterations and Square queries at a budget fraction (1 = the reference's 100 and 5000). */
function budgetOf(budget: number): { steps: number; queries: number } {
  return { steps: Math.max(1, Math.round(100 * budget)), queries: Math.max(1, Math.round(5000 * budget)) };
}

function makeAttack(component: ComponentName, eps: number, budget: number): Attack {
  const { steps, queries } = budgetOf(budget);
  switch (component) {
    case 'apgd-ce':
      return apgd({ eps, norm: 'linf', loss: 'ce', steps, restarts: 1, seed: 0 });
    case 'apgd-t':
      return apgdTargeted({ eps, norm: 'linf', nTargets: 9, steps, restarts: 1, seed: 0 });
    case 'fab-t':
      return fabTargeted({ eps, norm: 'linf', nTargets: 9, steps, restarts: 1, seed: 0 });
    case 'fab-t-batched':
      return fabTargeted({ eps, norm: 'linf', nTargets: 9, steps, restarts: 1, seed: 0, projection: 'batched' });
    case 'square':
      return square({ eps, norm: 'linf', queries, pInit: 0.8, restarts: 1, seed: 0 });
    case 'standard':
      return autoAttack({ eps, norm: 'linf', version: 'standard', seed: 0, budget });
  }
}

/** One timed run: seconds, passes, the time of those passes alone, and the ratio (1 = no loop overhead). */
export interface RunFigures {
  wallSeconds: number;
  cpuSeconds: number;
  imagesPerSecond: number;
  fooled: number;
  forwardPasses: number;
  backwardPasses: number;
  forwardCalls: number;
  backwardCalls: number;
  passWallSeconds: number;
  passCpuSeconds: number;
  /** wall seconds / wall seconds of the passes alone. */
  wallOverPasses: number;
  /** CPU seconds / CPU seconds of the passes alone (less sensitive to other processes on the machine). */
  cpuOverPasses: number;
}

function withRatios(f: Omit<RunFigures, 'imagesPerSecond' | 'wallOverPasses' | 'cpuOverPasses'>, n: number) {
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    ...f,
    imagesPerSecond: r(n / f.wallSeconds),
    wallOverPasses: r(f.wallSeconds / f.passWallSeconds),
    cpuOverPasses: r(f.cpuSeconds / f.passCpuSeconds),
  };
}

async function runOurs(
  component: ComponentName,
  base: ReturnType<typeof fromLayersModel>,
  timer: PassTimer,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  eps: number,
  budget: number,
): Promise<RunFigures> {
  const counts = emptyCounts();
  const model = countingModel(base, counts);
  const attack = makeAttack(component, eps, budget);
  const c0 = cpuMs();
  const t0 = performance.now();
  const r = await attack.run(model, x, y);
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpuMs() - c0) / 1000;
  r.xAdv.dispose();
  const passes = imagePasses(counts);
  const alone = await timer.seconds(counts);
  const calls = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return withRatios(
    {
      wallSeconds,
      cpuSeconds,
      fooled: r.success.filter(Boolean).length,
      forwardPasses: passes.forward,
      backwardPasses: passes.backward,
      forwardCalls: calls(counts.forward),
      backwardCalls: calls(counts.backward),
      passWallSeconds: alone.wall,
      passCpuSeconds: alone.cpu,
    },
    x.shape[0],
  );
}

function peerStatus(): string | undefined {
  const ref = process.env.EDL_AUTOATTACK_REF;
  if (!ref) return 'EDL_AUTOATTACK_REF is not set (point it at a checkout of fra31/auto-attack)';
  if (!existsSync(join(ref, 'autoattack', 'autoattack.py'))) return `EDL_AUTOATTACK_REF=${ref} holds no autoattack/`;
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', env: peerEnv() }).status !== 0) {
    return `${PYTHON} has no torch (apt-get install python3-torch)`;
  }
  return undefined;
}

function peerEnv(): NodeJS.ProcessEnv {
  // Debian's OpenBLAS settings in this environment slow torch down; the peer runs without them.
  const { OPENBLAS_CORETYPE: _c, OPENBLAS_L2_SIZE: _l, ...env } = process.env;
  return env;
}

function runPeer(
  files: PeerFiles,
  component: ComponentName,
  eps: number,
  budget: number,
): RunFigures | { error: string } {
  const { steps, queries } = budgetOf(budget);
  const r = spawnSync(
    PYTHON,
    [
      PEER,
      '--weights',
      files.weights,
      '--x',
      files.x,
      '--y',
      files.y,
      '--shape',
      files.shape.join(','),
      '--eps',
      String(eps),
      '--component',
      component,
      '--threads',
      '2',
      '--iters',
      String(steps),
      '--queries',
      String(queries),
    ],
    { encoding: 'utf8', env: peerEnv(), maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) return { error: `exit ${r.status}: ${`${r.stderr}`.trim().split('\n').slice(-2).join(' | ')}` };
  const out = JSON.parse(`${r.stdout}`.trim().split('\n').at(-1) ?? '{}') as Omit<
    RunFigures,
    'imagesPerSecond' | 'wallOverPasses' | 'cpuOverPasses'
  >;
  return withRatios(out, files.shape[0] ?? 1);
}

interface PeerFiles {
  weights: string;
  x: string;
  y: string;
  shape: number[];
  arch: BenchModel['arch'];
}

export interface ModelResult {
  model: string;
  description: string;
  images: number;
  eps: number;
  cleanPredictionsAsLabels: true;
  components: Record<string, { ours: RunFigures[]; reference: (RunFigures | { error: string })[] }>;
}

/** Runs the AutoAttack throughput bench; returns its JSON part. */
export async function autoAttackThroughput(root: string): Promise<Record<string, unknown>> {
  const n = Number(process.env.EDL_AA_IMAGES ?? 4);
  const width = Number(process.env.EDL_AA_WIDTH ?? 0.125);
  const eps = Number(process.env.EDL_AA_EPS ?? 0.5) / 255;
  const reps = Number(process.env.EDL_AA_REPS ?? 1);
  const budget = Number(process.env.EDL_AA_BUDGET ?? 1);
  if (!(budget > 0 && budget <= 1)) throw new Error(`EDL_AA_BUDGET must be in (0, 1], got ${budget}`);
  const wantedModels = (process.env.EDL_AA_MODELS ?? 'resnet18-standard,resnet18-elastic,dl-small').split(',');
  const components = (process.env.EDL_AA_COMPONENTS ?? DEFAULT_COMPONENTS.join(',')).split(',') as ComponentName[];
  for (const c of components) {
    if (!ALL_COMPONENTS.includes(c)) throw new Error(`EDL_AA_COMPONENTS: unknown component '${c}'`);
  }
  const skipPeer = peerStatus();
  if (skipPeer !== undefined) console.log(`  reference PyTorch AutoAttack skipped: ${skipPeer}`);
  const dir = mkdtempSync(join(tmpdir(), 'edl-aa-bench-'));
  const results: ModelResult[] = [];
  try {
    for (const spec of benchModels(width).filter((m) => wantedModels.includes(m.name))) {
      const shape = spec.options.inputShape ?? [32, 32, 3];
      const net = resnet(spec.options);
      // One training-mode call sets the dictionary layers' step sizes (and moves the BN statistics off their init).
      tf.tidy(() => {
        net.apply(tf.randomUniform([8, ...shape], 0, 1, 'float32', 1), { training: true });
      });
      const base = fromLayersModel(net);
      const x = loadImages(root, n, shape);
      // Labels = the model's clean predictions: every image is attacked (the model is untrained).
      const y = tf.tidy(() => tf.cast(tf.argMax(base(x), 1), 'int32')) as tf.Tensor1D;
      const files: PeerFiles = {
        weights: join(dir, `${spec.name}.safetensors`),
        x: join(dir, `${spec.name}.x.f32`),
        y: join(dir, `${spec.name}.y.i32`),
        shape: [n, ...shape],
        arch: spec.arch,
      };
      await exportSafetensorsFile(net, files.weights);
      writeFileSync(files.x, new Uint8Array((await x.data()).slice().buffer));
      writeFileSync(files.y, new Uint8Array((await y.data()).slice().buffer));
      const timer = new PassTimer(base, shape, 10);
      console.log(`  ${spec.name}: ${spec.description}; ${n} images, eps ${(eps * 255).toFixed(2)}/255`);
      // warm-up: kernels, weights
      (await makeAttack('apgd-ce', eps, 0.05).run(base, x, y)).xAdv.dispose();
      const entry: ModelResult = {
        model: spec.name,
        description: spec.description,
        images: n,
        eps,
        cleanPredictionsAsLabels: true,
        components: {},
      };
      for (const component of components) {
        const slot: ModelResult['components'][string] = { ours: [], reference: [] };
        entry.components[component] = slot;
        for (let rep = 0; rep < reps; rep++) {
          const ours = await runOurs(component, base, timer, x, y, eps, budget);
          slot.ours.push(ours);
          const ref =
            component === 'fab-t-batched'
              ? { error: 'ours only (the reference runs fab-t)' }
              : skipPeer === undefined
                ? runPeer(files, component, eps, budget)
                : { error: skipPeer };
          slot.reference.push(ref);
          const refCell =
            'error' in ref
              ? `reference: ${ref.error.slice(0, 80)}`
              : `reference ${ref.wallSeconds.toFixed(1)} s wall / ${ref.cpuSeconds.toFixed(1)} s cpu, passes x${ref.cpuOverPasses.toFixed(2)} cpu, fooled ${ref.fooled}, ${ref.forwardPasses}+${ref.backwardPasses} passes`;
          console.log(
            `    ${component.padEnd(8)} ours ${ours.wallSeconds.toFixed(1)} s wall / ${ours.cpuSeconds.toFixed(1)} s cpu, passes x${ours.cpuOverPasses.toFixed(2)} cpu (x${ours.wallOverPasses.toFixed(2)} wall), fooled ${ours.fooled}, ${ours.forwardPasses}+${ours.backwardPasses} passes | ${refCell}`,
          );
        }
      }
      results.push(entry);
      tf.dispose([x, y]);
      net.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { steps, queries } = budgetOf(budget);
  return {
    what: `AutoAttack standard components, ${steps} iterations, 9 targets, ${queries} Square queries (${budget === 1 ? 'the reference budget' : `budget ${budget} of the reference`}), untrained models, labels = clean predictions`,
    budget,
    passes:
      'forwardPasses / backwardPasses: images through the model without / with a gradient tape (forward+backward)',
    overhead:
      'wallOverPasses / cpuOverPasses: attack time over the time the same passes take alone (1 = no loop overhead)',
    reference: skipPeer ?? 'fra31/auto-attack from EDL_AUTOATTACK_REF on Debian PyTorch, torch.set_num_threads(2)',
    results,
  };
}
