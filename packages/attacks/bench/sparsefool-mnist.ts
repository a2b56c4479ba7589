// SparseFool sparsity on MNIST: median L0 (changed pixels) of SparseFool with the published, unclipped inner DeepFool
// (default) against the earlier clipped one (`deepfoolClip: true`), and the logit margins of DeepFool's points, on a
// tiny CNN trained here in seconds on 200 embedded MNIST digits (`loadMnist` of @edl/datasets, pure-JS cpu backend).
// Run from the repo root: node --conditions=@edl/source --import tsx packages/attacks/bench/sparsefool-mnist.ts [tests]
// With a saved model folder as second argument (e.g. runs/quickstart/edl/final of the main job) it attacks that model
// instead (wasm backend through @edl/ops), on the first `tests` held-out digits.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { deepfool, fromLayersModel, type Model, sparsefool } from '../src/index.ts';

const tests = Number(process.argv[2] ?? 30);
const savedModel = process.argv[3];
const root = join(import.meta.dirname, '..', '..', '..');

interface ImageSetLike {
  images: Uint8Array | Float32Array;
  labels: ArrayLike<number>;
  count: number;
  height: number;
  width: number;
  channels: number;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

async function loadSaved(dir: string): Promise<tf.LayersModel> {
  const ops = (await import(pathToFileURL(join(root, 'packages', 'ops', 'src', 'index.ts')).href)) as {
    setupBackend: (o: { backend: string }) => Promise<{ backend: string; threads: number }>;
  };
  const info = await ops.setupBackend({ backend: 'auto' });
  console.log(`backend ${info.backend} (${info.threads} threads)`);
  const models = (await import(pathToFileURL(join(root, 'packages', 'models', 'src', 'index.ts')).href)) as {
    loadModel: (h: unknown) => Promise<tf.LayersModel>;
  };
  const node = (await import(pathToFileURL(join(root, 'packages', 'models', 'src', 'node.ts')).href)) as {
    fileSystemHandler: (d: string) => unknown;
  };
  return models.loadModel(node.fileSystemHandler(dir));
}

async function main(): Promise<void> {
  if (savedModel === undefined) await tf.setBackend('cpu');
  const datasets = (await import(pathToFileURL(join(root, 'packages', 'datasets', 'src', 'node.ts')).href)) as {
    loadMnist: (o?: { split?: string }) => ImageSetLike;
  };
  const take = (set: ImageSetLike, n: number) => {
    // Evenly strided, so every digit class is represented whatever the order of the split.
    const per = set.height * set.width * set.channels;
    const stride = Math.floor(set.count / n);
    const px = new Float32Array(n * per);
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const src = set.images.subarray(i * stride * per, (i * stride + 1) * per);
      for (let j = 0; j < per; j++) px[i * per + j] = (src[j] ?? 0) / 255;
      labels.push(set.labels[i * stride] ?? 0);
    }
    return { x: tf.tensor4d(px, [n, set.height, set.width, set.channels]), y: tf.tensor1d(labels, 'int32') };
  };
  if (savedModel !== undefined) {
    const set = datasets.loadMnist({ split: 'test' });
    const per = set.height * set.width * set.channels;
    const x = tf.tensor4d(
      Float32Array.from(set.images.subarray(0, tests * per), (v) => v / 255),
      [tests, 28, 28, 1],
    );
    await report(fromLayersModel(await loadSaved(savedModel), { training: false }), x, `saved model ${savedModel}`);
    return;
  }
  const train = take(datasets.loadMnist({ split: 'train' }), 200);
  const test = take(datasets.loadMnist({ split: 'test' }), tests);
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 4,
        kernelSize: 5,
        strides: 2,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  // The network outputs logits: train with softmax cross-entropy on them.
  net.compile({
    optimizer: tf.train.adam(0.01),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const t0 = Date.now();
  await net.fit(train.x, tf.oneHot(train.y, 10), { epochs: 10, batchSize: 50, shuffle: false, verbose: 0 });
  const model = fromLayersModel(net);
  const acc = tf.mean(tf.cast(tf.equal(tf.argMax(model(test.x), 1), test.y), 'float32')).dataSync()[0] ?? 0;
  console.log(
    `tiny CNN: trained ${((Date.now() - t0) / 1000).toFixed(1)} s on 200 digits, test accuracy ${acc} on ${tests}`,
  );
  await report(model, test.x, 'tiny CNN');
}

async function report(model: Model, x: tf.Tensor4D, what: string): Promise<void> {
  const margins = (xAdv: tf.Tensor4D, labels: tf.Tensor1D): number[] => {
    // float32 round trip: read the pixels back and predict again.
    const back = tf.tensor4d(Float32Array.from(xAdv.dataSync()), xAdv.shape);
    const z = model(back).arraySync() as number[][];
    const l = labels.dataSync();
    return z.map((row, i) => Math.max(...row.filter((_, k) => k !== l[i])) - (row[l[i] ?? 0] ?? 0));
  };
  const pred = tf.cast(tf.argMax(model(x), 1), 'int32') as tf.Tensor1D;
  for (const [label, attack] of [
    ['sparsefool (published: unclipped inner DeepFool)', sparsefool({ steps: 20 })],
    ['sparsefool (deepfoolClip: true, earlier behaviour)', sparsefool({ steps: 20, deepfoolClip: true })],
    ['deepfool (overshoot 0.02 as margin)', deepfool()],
  ] as const) {
    const t1 = Date.now();
    const r = await attack.run(model, x, pred);
    const ok = r.norms.filter((_, i) => r.success[i]);
    const m = margins(r.xAdv, pred).filter((_, i) => r.success[i]);
    console.log(
      `${what}, ${label}: success ${ok.length}/${tests}, median ${attack.threat.norm} ${median(ok).toFixed(2)}, ` +
        `median margin after float32 round trip ${median(m).toExponential(2)}, min ${Math.min(...m).toExponential(2)}, ` +
        `${((Date.now() - t1) / 1000).toFixed(1)} s`,
    );
  }
}

await main();
