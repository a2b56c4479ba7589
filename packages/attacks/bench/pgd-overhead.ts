// Benchmark of @edl/attacks: PGD-20 l-inf (eps 8/255, step 2/255, random start) on a small CNN over the first 1,000
// lossless CIFAR-10 test images: images per second, and the overhead of the attack loop over the same number of
// plain forward+backward passes (target < 10%).
// Used by bench/index.ts (EDL_PGD_IMAGES, EDL_PGD_BATCH: default 1000 images in batches of 100).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { lossAndGradient } from '../src/core/gradient.ts';
import { perSampleCrossEntropy } from '../src/core/losses.ts';
import { fromLayersModel, type Model, pgd } from '../src/index.ts';

const steps = 20;

/** Sets up the backend the benches run on (wasm with @edl/ops' kernels, 2 threads); returns its description. */
export async function setupBackend(root: string): Promise<string> {
  // Bench scripts may use other packages; the library may not. Load @edl/ops from source if it is there.
  const opsEntry = join(root, 'packages', 'ops', 'src', 'index.node.ts');
  if (existsSync(opsEntry)) {
    const ops = (await import(pathToFileURL(opsEntry).href)) as {
      setupBackend?: (o: {
        backend: string;
        threads: number;
        quiet: boolean;
      }) => Promise<{ backend: string; threads: number }>;
    };
    if (ops.setupBackend) {
      const info = await ops.setupBackend({ backend: 'wasm', threads: 2, quiet: true });
      return `${info.backend} (${info.threads} threads, @edl/ops setupBackend)`;
    }
  }
  await tf.setBackend('cpu');
  console.warn('@edl/ops setupBackend not found: running on the slow pure-JS cpu backend');
  return 'cpu (no @edl/ops)';
}

/** Parses the official CIFAR-10 binary: per record 1 label byte + 3072 bytes (R, G, B planes of 32x32). */
function loadCifar(path: string, n: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const buf = readFileSync(path);
  const records = Math.min(n, Math.floor(buf.length / 3073));
  const pixels = new Float32Array(records * 3072);
  const labels = new Int32Array(records);
  for (let r = 0; r < records; r++) {
    const base = r * 3073;
    labels[r] = buf[base] ?? 0;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[r * 3072 + p * 3 + c] = (buf[base + 1 + c * 1024 + p] ?? 0) / 255;
    }
  }
  return { x: tf.tensor4d(pixels, [records, 32, 32, 3]), y: tf.tensor1d(labels, 'int32') };
}

function smallCnn(): Model {
  const init = (seed: number) => tf.initializers.heNormal({ seed });
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [32, 32, 3],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tf.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(3),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, kernelInitializer: init(4) }),
    ],
  });
  return fromLayersModel(net);
}

function slice(t: tf.Tensor4D, s: number, size: number): tf.Tensor4D {
  return tf.slice(t, [s, 0, 0, 0], [size, -1, -1, -1]);
}

/** PGD-20 against the same number of plain forward+backward passes; returns its JSON part. */
export async function pgdOverhead(root: string): Promise<Record<string, unknown>> {
  const count = Number(process.env.EDL_PGD_IMAGES ?? 1000);
  const batchSize = Number(process.env.EDL_PGD_BATCH ?? 100);
  const dataPath = join(root, '..', 'shared', 'data', 'cifar10', 'test_first1000.bin');
  if (!existsSync(dataPath)) throw new Error(`CIFAR-10 test file not found at ${dataPath}`);
  const { x, y } = loadCifar(dataPath, count);
  const n = x.shape[0];
  const model = smallCnn();
  const attack = pgd({ eps: 8 / 255, stepSize: 2 / 255, steps, seed: 0 });

  // Warm-up (kernel compilation, weight upload).
  {
    const xb = slice(x, 0, Math.min(batchSize, n));
    const yb = tf.slice(y, [0], [xb.shape[0]]);
    (await attack.run(model, xb, yb)).xAdv.dispose();
    tf.dispose([xb, yb]);
  }

  // Baseline (the same number of forward+backward passes, nothing else) and PGD-20 through the public API (validation,
  // random start, best-iterate tracking, final checks included), interleaved batch by batch so that load from other
  // processes hits both alike.
  function baselineBatch(xb: tf.Tensor4D, yb: tf.Tensor1D): void {
    for (let k = 0; k < steps; k++) {
      const g = tf.tidy(() => lossAndGradient(model, xb, yb, perSampleCrossEntropy).grad);
      // The attack reads results back once per batch; do the same here.
      if (k === steps - 1) g.dataSync();
      g.dispose();
    }
  }
  let baselineSeconds = 0;
  let pgdSeconds = 0;
  let fooled = 0;
  const ratios: number[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const size = Math.min(batchSize, n - s);
    const xb = slice(x, s, size);
    const yb = tf.slice(y, [s], [size]);
    let t = performance.now();
    baselineBatch(xb, yb);
    const b = (performance.now() - t) / 1000;
    t = performance.now();
    const r = await attack.run(model, xb, yb);
    const p = (performance.now() - t) / 1000;
    fooled += r.success.filter(Boolean).length;
    tf.dispose([xb, yb, r.xAdv]);
    baselineSeconds += b;
    pgdSeconds += p;
    ratios.push(p / b - 1);
  }
  const overhead = pgdSeconds / baselineSeconds - 1;
  const sortedRatios = [...ratios].sort((a, b) => a - b);
  const medianOverhead = sortedRatios[Math.floor(sortedRatios.length / 2)] ?? overhead;

  const rows = [
    {
      case: `forward+backward x${steps} (baseline)`,
      images: n,
      seconds: baselineSeconds,
      imagesPerSecond: n / baselineSeconds,
    },
    { case: `pgd-${steps} linf 8/255`, images: n, seconds: pgdSeconds, imagesPerSecond: n / pgdSeconds },
  ];
  console.log(`batch ${batchSize}; small CNN (3 conv + GAP + dense, untrained)`);
  console.table(
    rows.map((r) => ({ ...r, seconds: r.seconds.toFixed(2), imagesPerSecond: r.imagesPerSecond.toFixed(1) })),
  );
  console.log(
    `attack-loop overhead over plain forward+backward: ${(100 * overhead).toFixed(1)}% in total, median per batch ${(100 * medianOverhead).toFixed(1)}% (target < 10%)`,
  );
  console.log(`(untrained model: ${fooled}/${n} points misclassified after PGD; speed is what is measured here)`);
  tf.dispose([x, y]);
  return {
    batchSize,
    steps,
    images: n,
    rows,
    overhead,
    medianOverhead,
    overheadPerBatch: ratios,
    target: 'overhead < 0.10',
  };
}
