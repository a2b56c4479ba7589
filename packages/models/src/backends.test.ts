import { describeBackends, expectCloseTo, lcg, onCpu, testBackends } from '@edl/ops/testing';
import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { resnet } from './resnet/resnet.ts';
import type { ConvKind, ResNetOptions } from './resnet/resnet-options.ts';
import { decodeSafetensors } from './safetensors/decode-safetensors.ts';
import { exportSafetensors, importSafetensors } from './safetensors/export-safetensors.ts';
import { loadModel } from './saving/save-model.ts';
import { savedArtifacts } from './testing/saved-artifacts.ts';

// A tiny ResNet10 (widths 4-32, 16x16x1 input, batch 4) of each conv kind on every backend available (cpu, wasm, wasm + native,
// webgpu with EDL_TEST_WEBGPU=1), against the cpu backend: forward, one SGD step (loss, every gradient, the logits
// after the step), save / load through an in-memory IOHandler, and the safetensors bytes. Every model starts from
// the same weights, built once on cpu, so that the comparison does not depend on how a backend draws random numbers.
// Tiny and few shapes: a software WebGPU adapter compiles each new shader in 1-3 s.

const backends = await testBackends();
const SHAPE: [number, number, number, number] = [4, 16, 16, 1];
const CLASSES = 4;
const options = (conv: ConvKind): ResNetOptions => ({
  depth: 10,
  conv,
  widthMultiplier: 1 / 16,
  inputShape: [16, 16, 1],
  numClasses: CLASSES,
  seed: 5,
  steps: 2,
  lambda: 0.02,
});
const xData = Float32Array.from(lcg(4 * 16 * 16, 21), (v) => 0.5 + 0.5 * v);
const labels = [1, 3, 0, 2];

/** The whole gradient as one vector: its distance to cpu's relative to cpu's norm, and 1 - their cosine. */
function gradientAgreement(got: Float32Array[], ref: Float32Array[]) {
  let dot = 0;
  let gg = 0;
  let rr = 0;
  let dd = 0;
  for (const [i, g] of got.entries()) {
    for (const [j, v] of g.entries()) {
      const r = ref[i]![j]!;
      dot += v * r;
      gg += v * v;
      rr += r * r;
      dd += (v - r) ** 2;
    }
  }
  return { relative: Math.sqrt(dd / rr), angle: 1 - dot / Math.sqrt(gg * rr) };
}

/**
 * The elastic network in training mode is compared more loosely, and not because of a kernel. Comparing every
 * layer's output with cpu's: in inference mode they stay within 2e-5 relative on wasm, but in training mode each
 * BatchNorm (batch statistics over 4 images) multiplies the float32 round-off of the sparse codes before it, from
 * 3e-7 at the stem to 1e-4 at the last stage: 3e-4 (wasm) and 1.3e-4 (wasm + native) in the loss. The gradients of
 * the first stages are then as sensitive on cpu alone: a 1e-6 relative change of the input moves entries of the stem
 * kernel's gradient by 3% (soft-thresholded codes enter or leave the active set). So in training mode the loss is
 * checked to 2e-3 relative and the gradient as a whole vector (measured on wasm / wasm + native: relative distance
 * below 3e-2, 1 - cosine below 3e-4), while the inference-mode step checks every gradient at the backend's
 * tolerance. A wrong kernel or a missing gradient moves all of these by O(1).
 */
const ELASTIC_TRAINING = { loss: 2e-3, gradient: 0.1, angle: 2e-3 };
/**
 * The elastic network with BatchNorm in inference mode: values within the backend's tolerance, but the gradient
 * entries of the scalar betas (sums over every code, with cancellation) move by up to 5e-3 relative on wasm, so the
 * gradient is compared as a whole vector here too, more tightly (measured: relative distance 5e-4, 1 - cosine 3e-8),
 * and the logits after the step (2.3e-4 measured) to 2e-3.
 */
const ELASTIC_INFERENCE = { loss: 2e-3, gradient: 1e-2, angle: 1e-4 };

/**
 * A model of `conv` on the active backend. The seeded initializers draw their numbers in JavaScript, so every
 * backend starts from the same weights (the safetensors test checks the bytes against cpu's), and each
 * DictConv2D's step size comes from its own seeded power iteration at build, as in real use.
 */
async function build(conv: ConvKind): Promise<tf.LayersModel> {
  return resnet(options(conv));
}

async function logitsOf(model: tf.LayersModel): Promise<Float32Array> {
  const x = tf.tensor4d(xData, SHAPE);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

/** Logits, one SGD step (loss and gradients by weight name), logits after the step; the tensor count around it. */
async function trainStep(conv: ConvKind, training: boolean) {
  const model = await build(conv);
  const before = await logitsOf(model);
  const x = tf.tensor4d(xData, SHAPE);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
  const optimizer = tf.train.sgd(0.05);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const tensorsBefore = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training }) as tf.Tensor) as tf.Scalar,
    vars,
  );
  optimizer.applyGradients(grads);
  const result = {
    before,
    loss: (await value.data())[0]!,
    names: model.trainableWeights.map((w) => w.originalName),
    grads: await Promise.all(vars.map(async (v) => Float32Array.from(await grads[v.name]!.data()))),
    after: new Float32Array(0) as Float32Array,
    leaked: 0,
  };
  tf.dispose([value, ...Object.values(grads)]);
  result.leaked = tf.memory().numTensors - tensorsBefore;
  result.after = await logitsOf(model);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

describeBackends(backends, 'tiny ResNet10 against cpu', (backend) => {
  // One model per kind for the save / load and safetensors tests, which only read it: building an elastic model
  // runs 50 power iterations per DictConv2D, the slowest part of these tests on a software WebGPU adapter.
  const models = new Map<ConvKind, Promise<tf.LayersModel>>();
  const shared = (conv: ConvKind) => {
    if (!models.has(conv)) models.set(conv, build(conv));
    return models.get(conv)!;
  };
  afterAll(async () => {
    for (const m of models.values()) (await m).dispose();
  });

  for (const conv of ['standard', 'elastic'] as const) {
    const modes = conv === 'standard' ? [true] : [false, true];
    for (const training of modes) {
      const mode = training ? 'training mode' : 'BatchNorm in inference mode';
      it(`${conv}, ${mode}: logits, one SGD step (loss, gradients, logits after), no tensor left over`, async () => {
        const got = await trainStep(conv, training);
        const ref = await onCpu(() => trainStep(conv, training));
        expect(got.names).toEqual(ref.names);
        expectCloseTo(got.before, ref.before, backend.rtol, 'logits');
        expect(Number.isFinite(got.loss)).toBe(true);
        if (conv === 'standard') {
          expectCloseTo([got.loss], [ref.loss], backend.rtol, 'loss');
          for (const [i, name] of got.names.entries()) {
            expectCloseTo(got.grads[i]!, ref.grads[i]!, backend.rtol, `d ${name}`);
          }
          expectCloseTo(got.after, ref.after, backend.rtol, 'logits after the step');
        } else {
          const limits = training ? ELASTIC_TRAINING : ELASTIC_INFERENCE;
          expectCloseTo([got.loss], [ref.loss], Math.max(backend.rtol, limits.loss), 'loss');
          const { relative, angle } = gradientAgreement(got.grads, ref.grads);
          console.info(
            `[${backend.name}] elastic, ${mode}: gradient relative distance ${relative.toExponential(2)}, 1 - cosine ${angle.toExponential(2)}`,
          );
          expect(relative).toBeLessThanOrEqual(limits.gradient);
          expect(angle).toBeLessThanOrEqual(limits.angle);
          // training mode: no comparison after the step, which moves the stem by lr x a gradient known to 3%
          if (!training)
            expectCloseTo(got.after, ref.after, Math.max(backend.rtol, limits.loss), 'logits after the step');
        }
        expect(got.after.some((v, i) => v !== got.before[i])).toBe(true); // the step moved the model
        expect(got.leaked).toBe(0); // the BN moving statistics are replaced inside their variables
      });
    }

    it(`${conv}: saveModel / loadModel through an in-memory IOHandler gives the same weights and logits`, async () => {
      const model = await shared(conv);
      const saved = await savedArtifacts(model);
      expect(saved.weightData).toBeDefined();
      const loaded = await loadModel(tf.io.fromMemory(saved));
      const a = await Promise.all(model.getWeights().map((w) => w.data()));
      const b = await Promise.all(loaded.getWeights().map((w) => w.data()));
      expect(b.length).toBe(a.length);
      for (const [i, values] of a.entries()) expect(Array.from(b[i]!)).toEqual(Array.from(values));
      const [la, lb] = [await logitsOf(model), await logitsOf(loaded)];
      expect(Array.from(lb)).toEqual(Array.from(la));
      const ref = await onCpu(async () => {
        const m = await build(conv);
        const logits = await logitsOf(m);
        m.dispose();
        return logits;
      });
      expectCloseTo(la, ref, backend.rtol, 'logits vs cpu');
      loaded.dispose();
    });

    it(`${conv}: exportSafetensors gives cpu's weights; importSafetensors into a fresh model gives the same logits`, async () => {
      const model = await shared(conv);
      const bytes = await exportSafetensors(model);
      const refBytes = await onCpu(async () => {
        const m = await build(conv);
        const b = await exportSafetensors(m);
        m.dispose();
        return b;
      });
      expect(bytes.length).toBe(refBytes.length);
      // The standard network's weights are the seeded initial values: the same bytes. DictConv2D projects its
      // kernel and computes its step size on the device at build: the same values within the backend's tolerance.
      if (conv === 'standard') expect(Buffer.from(bytes).equals(Buffer.from(refBytes))).toBe(true);
      const [mine, theirs] = [decodeSafetensors(bytes).tensors, decodeSafetensors(refBytes).tensors];
      expect(Object.keys(mine)).toEqual(Object.keys(theirs));
      for (const [name, t] of Object.entries(mine)) {
        const r = theirs[name]!;
        expect(t.shape, name).toEqual(r.shape);
        const [a, b] = [
          Array.from(t.data as ArrayLike<number | bigint>, Number),
          Array.from(r.data as ArrayLike<number | bigint>, Number),
        ];
        if (conv === 'elastic' && b.some((v) => v !== 0)) expectCloseTo(a, b, backend.rtol, name);
        else expect(a, name).toEqual(b);
      }
      const fresh = resnet({ ...options(conv), seed: 123 });
      importSafetensors(fresh, bytes);
      const [la, lb] = [await logitsOf(model), await logitsOf(fresh)];
      expect(Array.from(lb)).toEqual(Array.from(la));
      expect(Buffer.from(await exportSafetensors(fresh)).equals(Buffer.from(bytes))).toBe(true);
      fresh.dispose();
    });
  }
});
