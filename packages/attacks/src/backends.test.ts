import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { bpda } from './adaptive/bpda.ts';
import { eot } from './adaptive/eot.ts';
import { transferAttack } from './adaptive/transfer-attack.ts';
import { apgd } from './apgd/apgd.ts';
import { apgdTargeted } from './apgd/apgd-targeted.ts';
import { autoAttack } from './autoattack/auto-attack.ts';
import type { Attack, AttackResult } from './core/attack.ts';
import type { Model } from './core/model.ts';
import { corruption } from './corruptions/corruptions.ts';
import { evaluateRobustness, type RobustnessReport } from './evaluate/evaluate-robustness.ts';
import { fabTargeted } from './fab/fab-targeted.ts';
import { carliniWagnerL2 } from './gradient/carlini-wagner-l2.ts';
import { fgsm } from './gradient/fgsm.ts';
import { pgd } from './gradient/pgd.ts';
import { deepfool } from './minimal/deepfool.ts';
import { sparsefool } from './minimal/sparsefool.ts';
import { square } from './square/square.ts';
import { describeBackends, onCpu } from './testing/backend-matrix.ts';
import { lcg } from './testing/test-helpers.ts';

// Every attack family (gradient, gradient-free, transfer, corruption) and the adaptive tools (eot, bpda) on a tiny
// conv net with fixed weights (conv 3x3 x4 + relu, dense to 4 classes, 6x6x1 images), on cpu, tfjs's wasm backend and webgpu (EDL_TEST_WEBGPU=1, SwiftShader in Node): each result inside its budget
// and the [0, 1] box, its norms and success flags consistent with the model's predictions at xAdv (read on the same
// backend), and for the deterministic attacks the adversarial images of the cpu backend. Tiny and few shapes: a
// software WebGPU adapter compiles each new shader in 1-3 s.

const SHAPE: [number, number, number, number] = [4, 6, 6, 1];
const CLASSES = 4;
const EPS = 0.1;

/** `n` deterministic values in [-0.5, 0.5) (the tests' LCG, independent of the package's RNG). */
function centred(n: number, seed: number): Float32Array {
  const next = lcg(seed);
  return Float32Array.from({ length: n }, () => next() - 0.5);
}

const kernel = Float32Array.from(centred(3 * 3 * 4, 3), (v) => v * 2);
const dense = Float32Array.from(centred(6 * 6 * 4 * CLASSES, 4), (v) => v * 1.5);
const bias = Float32Array.from(centred(CLASSES, 5), (v) => v * 0.2);
const images = Float32Array.from(centred(4 * 6 * 6, 6), (v) => 0.5 + 0.8 * v);

/** The tiny net's logits for weights `k`, `w`, `b`. */
function logits(x: tf.Tensor4D, k: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const h = tf.relu(tf.conv2d(x, k, 1, 'same'));
    return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), w), b) as tf.Tensor2D;
  });
}

/** The tiny net on the active backend, and a disposer for its weights. */
function tinyNet(): { model: Model; dispose: () => void } {
  const k = tf.tensor4d(kernel, [3, 3, 1, 4]);
  const w = tf.tensor2d(dense, [6 * 6 * 4, CLASSES]);
  const b = tf.tensor1d(bias);
  const model: Model = (x) => logits(x, k, w, b);
  return { model, dispose: () => tf.dispose([k, w, b]) };
}

/** A surrogate for transfer attacks: the tiny net with a perturbed kernel, its weights made (and freed) per call. */
const surrogateKernel = Float32Array.from(kernel, (v, i) => v * (i % 2 === 0 ? 1.1 : 0.9));
const surrogate: Model = (x) =>
  tf.tidy(() =>
    logits(x, tf.tensor4d(surrogateKernel, [3, 3, 1, 4]), tf.tensor2d(dense, [6 * 6 * 4, CLASSES]), tf.tensor1d(bias)),
  );

async function predictions(model: Model, x: tf.Tensor4D): Promise<number[]> {
  const logits = model(x);
  const p = tf.argMax(logits, 1);
  const out = Array.from(await p.data());
  tf.dispose([logits, p]);
  return out;
}

/** The labels: the model's own clean predictions (so every sample can be attacked), as plain numbers. */
const cleanLabels = await onCpu(async () => {
  const net = tinyNet();
  const x = tf.tensor4d(images, SHAPE);
  const labels = await predictions(net.model, x);
  tf.dispose(x);
  net.dispose();
  return labels;
});

/** Per sample, the norm of `d` (flattened samples) in `norm`. */
function norms(d: Float32Array, norm: string): number[] {
  const per = d.length / SHAPE[0];
  return Array.from({ length: SHAPE[0] }, (_, i) => {
    const s = d.subarray(i * per, (i + 1) * per);
    if (norm === 'linf') return Math.max(...Array.from(s, Math.abs));
    if (norm === 'l1') return s.reduce((a, v) => a + Math.abs(v), 0);
    if (norm === 'l0') return s.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
    return Math.sqrt(s.reduce((a, v) => a + v * v, 0));
  });
}

interface Outcome {
  xAdv: Float32Array;
  result: Omit<AttackResult, 'xAdv'>;
  predicted: number[];
  leaked: number;
}

/** Runs `make()` on the tiny net on the active backend; reads everything back with awaited reads. */
async function attackOnce(make: () => Attack): Promise<Outcome> {
  const net = tinyNet();
  const x = tf.tensor4d(images, SHAPE);
  const y = tf.tensor1d(cleanLabels, 'int32');
  const before = tf.memory().numTensors;
  const { xAdv, ...result } = await make().run(net.model, x, y);
  const leaked = tf.memory().numTensors - before - 1;
  const outcome = {
    xAdv: (await xAdv.data()) as Float32Array,
    result,
    predicted: await predictions(net.model, xAdv),
    leaked,
  };
  tf.dispose([x, y, xAdv]);
  net.dispose();
  return outcome;
}

/** The attacks, with small settings; `deterministic` ones must return cpu's images on every backend. */
const attacks: { make: () => Attack; deterministic?: boolean }[] = [
  { make: () => fgsm({ eps: EPS }), deterministic: true },
  { make: () => pgd({ eps: EPS, steps: 3, seed: 1 }), deterministic: true },
  { make: () => pgd({ eps: 0.5, norm: 'l2', steps: 3, stepSize: 0.25, seed: 1 }), deterministic: true },
  { make: () => transferAttack(surrogate, pgd({ eps: EPS, steps: 3, seed: 1 })), deterministic: true },
  { make: () => carliniWagnerL2({ eps: 1, steps: 10, binarySearchSteps: 2 }) },
  { make: () => apgd({ eps: EPS, steps: 3, seed: 2 }) },
  { make: () => apgdTargeted({ eps: EPS, steps: 3, nTargets: 2, seed: 2 }) },
  { make: () => fabTargeted({ eps: EPS, steps: 3, nTargets: 2, seed: 2 }) },
  { make: () => square({ eps: EPS, queries: 20, seed: 3 }) },
  { make: () => autoAttack({ norm: 'linf', eps: EPS, budget: 0.02, nTargets: 1, seed: 4 }) },
  { make: () => deepfool({ eps: 1, steps: 5 }) },
  { make: () => sparsefool({ steps: 2, deepfoolSteps: 5 }) },
  { make: () => corruption({ type: 'gaussian', severity: 5, seed: 5 }) },
];

function check(a: Attack, o: Outcome): void {
  expect(o.xAdv.length).toBe(images.length);
  expect(Math.min(...o.xAdv)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...o.xAdv)).toBeLessThanOrEqual(1);
  const { norm, eps = Number.POSITIVE_INFINITY } = a.threat;
  const measured = norms(
    Float32Array.from(o.xAdv, (v, i) => v - images[i]!),
    norm === 'none' ? 'l2' : norm,
  );
  for (const [i, v] of measured.entries()) {
    expect(v, `sample ${i} norm`).toBeLessThanOrEqual(eps + 1e-5 * Math.max(1, eps));
    expect(Math.abs(o.result.norms[i]! - v), `sample ${i} reported norm`).toBeLessThanOrEqual(1e-4 * Math.max(1, v));
  }
  expect(a.targeted).toBe(false);
  expect(o.result.success).toEqual(o.predicted.map((p, i) => p !== cleanLabels[i]));
  expect(o.leaked).toBe(0);
}

describeBackends('every attack family on a tiny conv net', (backend) => {
  for (const { make, deterministic } of attacks) {
    const a = make();
    const title = `${a.name} (${a.threat.norm}${a.threat.eps !== undefined ? ` ${a.threat.eps}` : ''})`;
    it(`${title}: inside the budget and the box, success flags match the predictions at xAdv${deterministic ? ", cpu's images" : ''}`, async () => {
      const got = await attackOnce(make);
      check(a, got);
      if (deterministic) {
        const ref = await onCpu(() => attackOnce(make));
        let worst = 0;
        for (const [i, v] of got.xAdv.entries()) worst = Math.max(worst, Math.abs(v - ref.xAdv[i]!));
        expect(worst, 'max |xAdv - cpu xAdv|').toBeLessThanOrEqual(backend.rtol);
        expect(got.result.success).toEqual(ref.result.success);
        expect(ref.result.success.some((s) => s)).toBe(true); // the comparison covers a successful attack
      }
    });
  }

  it("adaptive tools: seeded PGD through eot (seeded shifts) of bpda (clipped input, straight-through gradient): cpu's images", async () => {
    const run = async () => {
      const net = tinyNet();
      const x = tf.tensor4d(images, SHAPE);
      const y = tf.tensor1d(cleanLabels, 'int32');
      // forward: the net on a clipped input (zero gradient where clipped); bpda routes the gradient through the net
      const clipped = bpda(
        (v: tf.Tensor4D) => tf.tidy(() => net.model(tf.clipByValue(v, 0.2, 0.8) as tf.Tensor4D)),
        net.model,
      );
      const shifted = eot(clipped, (v, rng) => tf.add(v, rng.uniform(-0.02, 0.02)) as tf.Tensor4D, 2, 7);
      const before = tf.memory().numTensors;
      const { xAdv } = await pgd({ eps: EPS, steps: 3, seed: 1 }).run(shifted, x, y);
      const leaked = tf.memory().numTensors - before - 1;
      const out = { xAdv: (await xAdv.data()) as Float32Array, leaked };
      tf.dispose([x, y, xAdv]);
      net.dispose();
      return out;
    };
    const got = await run();
    const ref = await onCpu(run);
    expect(got.leaked).toBe(0);
    let worst = 0;
    let moved = 0;
    for (const [i, v] of got.xAdv.entries()) {
      worst = Math.max(worst, Math.abs(v - ref.xAdv[i]!));
      moved = Math.max(moved, Math.abs(v - images[i]!));
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(moved, 'max |xAdv - x|').toBeLessThanOrEqual(EPS + 1e-6);
    expect(moved, 'the attack moved (the straight-through gradient is not zero)').toBeGreaterThan(EPS / 2);
    expect(worst, 'max |xAdv - cpu xAdv|').toBeLessThanOrEqual(backend.rtol);
  });

  it('evaluateRobustness with FGSM and seeded PGD: the report of the cpu backend', async () => {
    const run = async (): Promise<RobustnessReport> => {
      const net = tinyNet();
      const x = tf.tensor4d(images, SHAPE);
      // one label wrong on purpose, so clean accuracy is 3/4
      const y = tf.tensor1d(
        cleanLabels.map((p, i) => (i === 0 ? (p + 1) % CLASSES : p)),
        'int32',
      );
      const report = await evaluateRobustness(
        net.model,
        { x, y },
        [fgsm({ eps: EPS }), pgd({ eps: EPS, steps: 3, seed: 1 })],
        { batchSize: 3, checkSamples: 4 },
      );
      tf.dispose([x, y]);
      net.dispose();
      return report;
    };
    const got = await run();
    const ref = await onCpu(run);
    expect(got.cleanAccuracy).toBe(3 / 4);
    for (const key of ['numSamples', 'numClasses', 'cleanAccuracy', 'worstCaseAccuracy', 'robust'] as const) {
      expect(got[key], key).toEqual(ref[key]);
    }
    expect(got.flags.map((f) => f.id)).toEqual(ref.flags.map((f) => f.id));
    expect(got.attacks.map((s) => [s.name, s.accuracy, s.attacked, s.successes, s.inconsistent])).toEqual(
      ref.attacks.map((s) => [s.name, s.accuracy, s.attacked, s.successes, s.inconsistent]),
    );
    expect(ref.attacks.some((s) => s.successes > 0)).toBe(true);
    for (const [i, s] of got.attacks.entries()) {
      const r = ref.attacks[i]!;
      expect(Math.abs(s.maxNorm - r.maxNorm)).toBeLessThanOrEqual(backend.rtol);
      expect(s.maxNorm).toBeLessThanOrEqual(EPS + 1e-6);
    }
  });
});
