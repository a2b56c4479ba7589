// One small case for the CI smoke benchmark (scripts/bench-smoke.mjs): forward + backward of an elastic DictConv2D
// (T = 3) and, as the reference measured in the same process, of a plain conv2d of the same shape. Prints one JSON
// line { native, elasticMs, convMs, ratio }. Run: node --conditions=@edl/source --import tsx
// packages/layers/bench/smoke.ts <off|require> [reps]
import { setupBackend } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { DictConv2D } from '../src/index.ts';

const native = (process.argv[2] ?? 'off') as 'off' | 'require';
const reps = Number(process.argv[3] ?? 15);
const INPUT: [number, number, number, number] = [8, 32, 32, 16];
const FILTERS = 16;

/**
 * Times `a` and `b` interleaved (a, b, a, b, ...) after two warm-up calls each, and keeps the fastest run of each:
 * both see the same machine load, and the minimum is the least disturbed by other processes.
 */
function timePair(a: () => void, b: () => void): [number, number] {
  for (const f of [a, b, a, b]) f();
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let r = 0; r < reps; r++) {
    for (const [i, f] of [a, b].entries()) {
      const t0 = performance.now();
      f();
      best[i] = Math.min(best[i]!, performance.now() - t0);
    }
  }
  return [best[0]!, best[1]!];
}

/** Forward + backward of `loss` with respect to every trainable variable, every gradient read back. */
function fwdBwd(loss: () => tf.Scalar): () => void {
  return () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss);
      for (const g of Object.values(grads)) g.dataSync();
    });
}

const setup = await setupBackend({ backend: 'wasm', threads: 2, native, quiet: true });
const x = tf.randomNormal(INPUT, 0, 1, 'float32', 1) as tf.Tensor4D;
const layer = new DictConv2D({ filters: FILTERS, kind: 'elastic', steps: 3 });
layer.apply(tf.zeros([1, ...INPUT.slice(1)]));
const w = tf.variable(tf.randomNormal([3, 3, INPUT[3], FILTERS], 0, 0.1, 'float32', 2) as tf.Tensor4D);
const [elasticMs, convMs] = timePair(
  fwdBwd(() => tf.mean(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar),
  fwdBwd(() => tf.mean(tf.square(tf.conv2d(x, w, 1, 'same'))) as tf.Scalar),
);
console.log(
  JSON.stringify({
    native,
    backend: setup.backend,
    nativeKernels: setup.native ?? null,
    elasticMs,
    convMs,
    ratio: elasticMs / convMs,
  }),
);
