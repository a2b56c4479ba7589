import { convOperator, estimateLipschitz } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyConstraints } from '../constraints/apply-constraints.ts';
import { constraintsCallback } from '../constraints/constraints-callback.ts';
import { rista } from '../rista/rista.ts';
import { ristaObjective } from '../rista/rista-objective.ts';
import { strokeImages } from '../testing/stroke-images.ts';
import { DictConv2D } from './dict-conv2d.ts';
import type { DictKind } from './dict-conv2d-config.ts';
import { dictConv2d, elasticDictConv2d, robustDictConv2d, vanillaDictConv2d } from './dict-conv2d-factories.ts';
import { DICT_WEIGHT_NAMES } from './dict-weights.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const KINDS: DictKind[] = ['vanilla', 'robust', 'elastic'];
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
/** Saves `model` to memory through `model.save` and loads it back with `tf.loadLayersModel`. */
async function saveAndLoad(model: tf.LayersModel, options?: tf.io.LoadOptions): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!), options);
}
const atomNorms = (layer: DictConv2D) =>
  Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(layer.getWeights()[0]!), [0, 1, 2])).dataSync()));
const built = (config: ConstructorParameters<typeof DictConv2D>[0], shape = [2, 6, 6, 2]) => {
  const layer = new DictConv2D(config);
  layer.apply(tf.zeros(shape));
  return layer;
};

describe('DictConv2D forward', () => {
  for (const kind of KINDS) {
    it(`${kind}: output is rista with the layer's weights and its kind's beta`, () => {
      const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const layer = built({ kind, filters: 4, strides: 2, steps: 3 });
      const [kernel, beta, lambda, stepSize] = layer.getWeights();
      const expectedBeta = kind === 'vanilla' ? 1 : kind === 'robust' ? 0 : 0.5;
      expect(beta!.dataSync()[0]).toBe(expectedBeta);
      const z = layer.apply(x) as tf.Tensor;
      // the stored weight is 0.9 / L: the encoder pass's step; the corrections step
      // 0.9 / (L (beta + (1 - beta) / (2 eps))), eps = 1e-3
      const lipschitzStep = stepSize!.dataSync()[0]!;
      const step = lipschitzStep / (expectedBeta + (1 - expectedBeta) * 500);
      const reference = (t: number, t0 = t) =>
        rista(x, kernel as tf.Tensor4D, {
          steps: 3,
          beta: expectedBeta,
          lambda: lambda!.dataSync()[0]!,
          stepSize: t,
          initStepSize: t0,
          strides: 2,
        });
      expect(z.shape).toEqual([2, 3, 3, 4]);
      expect(maxAbsDiff(z, reference(step, lipschitzStep))).toBeLessThan(1e-5);
      expect(tf.sum(z).dataSync()[0]).toBeGreaterThan(0);
      // stepSizeRule 'lipschitz' (SDNet; configs saved before the rule) steps 0.9 / L for every beta
      const sdnet = built({ kind, filters: 4, strides: 2, steps: 3, stepSizeRule: 'lipschitz' });
      sdnet.setWeights(layer.getWeights());
      expect(maxAbsDiff(sdnet.apply(x) as tf.Tensor, reference(lipschitzStep))).toBeLessThan(1e-5);
    });
  }

  it('creates the same four weights in the same order for every kind; only the trained ones differ', () => {
    const rows = KINDS.map((kind) => {
      const layer = built({ kind, filters: 4, name: `l_${kind}` });
      return {
        names: layer.weights.map((w) => w.name.split('/')[1]),
        shapes: layer.weights.map((w) => w.shape),
        trainable: layer.trainableWeights.map((w) => w.name.split('/')[1]),
      };
    });
    for (const r of rows) {
      expect(r.names).toEqual(['kernel', 'beta', 'lambda', 'stepSize']);
      expect(r.shapes).toEqual([[3, 3, 2, 4], [], [], []]);
    }
    expect(rows.map((r) => r.trainable)).toEqual([['kernel'], ['kernel'], ['kernel', 'beta']]);
    const withLambda = built({ kind: 'vanilla', filters: 4, trainLambda: true });
    expect(withLambda.weights.map((w) => w.name.split('/')[1])).toEqual(['kernel', 'beta', 'lambda', 'stepSize']);
    expect(withLambda.trainableWeights.map((w) => w.name.split('/')[1])).toEqual(['kernel', 'lambda']);
  });

  it('names its weights DICT_WEIGHT_NAMES and returns each by name with weight(name)', () => {
    const layer = built({ kind: 'elastic', filters: 4, name: 'named' });
    expect(DICT_WEIGHT_NAMES.map((n) => layer.weight(n))).toEqual(layer.weights);
    expect(layer.weights.map((w) => w.originalName)).toEqual(DICT_WEIGHT_NAMES.map((n) => `named/${n}`));
    expect(layer.weight('kernel').shape).toEqual([3, 3, 2, 4]);
    expect(() => layer.weight('bias' as never)).toThrow(/DictConv2D 'named': no weight named "bias"/);
    expect(() => new DictConv2D({ filters: 2 }).weight('beta')).toThrow(/build the layer first/);
  });

  it("normalises atoms at init and sets stepSize 'auto' to 0.9 / ||A||^2 at build", async () => {
    const layer = built({ filters: 5, kernelSize: 3 }, [1, 7, 7, 3]);
    for (const n of atomNorms(layer)) expect(n).toBeCloseTo(1, 5);
    const [kernel, , , stepSize] = layer.getWeights();
    const exact = await estimateLipschitz(convOperator(kernel as tf.Tensor4D, [1, 7, 7, 3]), {
      iterations: 2000,
      tolerance: 0,
    });
    exact.vector.dispose();
    const L = exact.value;
    // power iteration approaches L from below and the layer runs 50 iterations from a random start, so its estimate
    // may be low (t high: up to ~6% seen with close top singular values); what RISTA needs is t * L < 1
    const ratio = stepSize!.dataSync()[0]! / (0.9 / L);
    expect(ratio).toBeGreaterThan(0.999);
    expect(ratio * 0.9).toBeLessThan(1);
    const raw = built({ filters: 5, normalizeAtoms: false, stepSize: 0.05 }, [1, 7, 7, 3]);
    expect(Math.max(...atomNorms(raw).map((n) => Math.abs(n - 1)))).toBeGreaterThan(1e-2);
    expect(raw.getWeights()[3]!.dataSync()[0]).toBeCloseTo(0.05, 7);
  });

  it('computeOutputShape matches the actual output (stride 2, odd and even sizes, every padding)', () => {
    const cases: [number, number, 'symmetric' | 'same' | 'valid' | number, number][] = [
      [6, 2, 'symmetric', 3],
      [7, 2, 'symmetric', 3],
      [7, 1, 'symmetric', 5],
      [8, 2, 'same', 3],
      [7, 2, 'valid', 3],
      [6, 2, 2, 5],
    ];
    for (const [size, strides, padding, kernelSize] of cases) {
      const layer = new DictConv2D({ filters: 3, strides, padding, kernelSize });
      const predicted = layer.computeOutputShape([null, size, size, 2]);
      const out = layer.apply(tf.randomNormal([1, size, size, 2])) as tf.Tensor;
      expect(predicted).toEqual([null, ...out.shape.slice(1)]);
    }
    expect(new DictConv2D({ filters: 3, strides: 2 }).computeOutputShape([null, 32, 32, 3])).toEqual([null, 16, 16, 3]);
  });

  it('vanilla equals plain ISTA in the layer: beta weight ignored, no reweighting', () => {
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const layer = built({ kind: 'vanilla', filters: 3 }, [1, 6, 6, 2]);
    const [k, , l, t] = layer.getWeights();
    const ref = rista(x, k as tf.Tensor4D, { beta: 1, lambda: l!.dataSync()[0]!, stepSize: t!.dataSync()[0]! });
    expect(maxAbsDiff(layer.apply(x) as tf.Tensor, ref)).toBeLessThan(1e-6);
  });

  /** The objective of the layer's codes after 1..steps RISTA steps (layers sharing `base`'s weights), per sample. */
  function layerObjectives(base: DictConv2D, x: tf.Tensor4D, steps: number, beta: number): number[] {
    const [kernel, , lambda] = base.getWeights();
    const op = convOperator(kernel as tf.Tensor4D, x.shape);
    return Array.from({ length: steps }, (_, k) => {
      const layer = built({ ...base.options, steps: k + 1 }, x.shape);
      layer.setWeights(base.getWeights());
      return tf.tidy(() => {
        const z = layer.apply(x) as tf.Tensor4D;
        return ristaObjective(op, x, z, { beta, lambda: lambda as tf.Scalar }).dataSync()[0]!;
      });
    });
  }
  const largestRise = (o: number[]) => Math.max(...o.slice(1).map((v, k) => (v - o[k]!) / Math.abs(o[k]!)));

  it('every RISTA step lowers the objective at the default step size, for every kind (MNIST-like digits)', () => {
    // Zero background + strokes: where the residual is 0 the weight w reaches 1 / (2 eps), the case that made the
    // old step 0.9 / L raise the objective of robust and elastic layers.
    const x = strokeImages(3, 12, 7);
    for (const [kind, beta] of [
      ['vanilla', 1],
      ['robust', 0],
      ['elastic', 0.5],
    ] as const) {
      const base = built({ kind, filters: 6, steps: 1 }, x.shape);
      const o = layerObjectives(base, x, 6, beta);
      expect(largestRise(o)).toBeLessThanOrEqual(1e-5);
      expect(o[5]!).toBeLessThan(o[0]!);
    }
  });

  it("stepSizeRule 'lipschitz' (0.9 / L for every beta) raises a robust layer's objective on the same digits", () => {
    // the test that fails with the old rule: the same check as above, with the old step, sees the l1 objective rise
    const x = strokeImages(3, 12, 7);
    const base = built({ kind: 'robust', filters: 6, steps: 1, stepSizeRule: 'lipschitz' }, x.shape);
    expect(largestRise(layerObjectives(base, x, 6, 0))).toBeGreaterThan(0.05);
  });
});

describe('DictConv2D constraints and step-size refresh', () => {
  it('clamps beta into [0, 1] in the forward pass; applyConstraints projects the weight', () => {
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const layer = built({ kind: 'elastic', filters: 3 }, [1, 6, 6, 2]);
    const z1 = tf.keep(layer.apply(x) as tf.Tensor);
    (layer.weights[1]!.read() as tf.Variable).assign(tf.scalar(1)); // bypasses the constraint
    const atOne = tf.keep(layer.apply(x) as tf.Tensor);
    (layer.weights[1]!.read() as tf.Variable).assign(tf.scalar(1.7));
    expect(maxAbsDiff(layer.apply(x) as tf.Tensor, atOne)).toBe(0);
    expect(maxAbsDiff(z1, atOne)).toBeGreaterThan(1e-4);
    expect(layer.currentBeta()).toBe(1);
    expect(applyConstraints([layer])).toBe(3); // kernel, beta, lambda carry constraints
    expect(layer.getWeights()[1]!.dataSync()[0]).toBe(1);
    (layer.weights[1]!.read() as tf.Variable).assign(tf.scalar(-0.3));
    layer.apply(x, { training: true }); // training calls project first
    expect(layer.getWeights()[1]!.dataSync()[0]).toBe(0);
  });

  it('setWeights sets the weights exactly (no projection on write); projecting is idempotent', () => {
    const layer = built({ kind: 'elastic', filters: 3, trainLambda: true }, [1, 6, 6, 2]);
    const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
    const raw = [tf.randomNormal([3, 3, 2, 3], 0, 2, 'float32', 6), tf.scalar(1.7), tf.scalar(-0.2), tf.scalar(0.05)];
    layer.setWeights(raw); // what loading a saved model does
    layer.getWeights().forEach((w, i) => {
      expect(bits(w)).toEqual(bits(raw[i]!));
    });
    expect(layer.projectWeights()).toBe(3);
    const projected = layer.getWeights().map(bits);
    expect(Math.max(...atomNorms(layer).map((n) => Math.abs(n - 1)))).toBeLessThan(1e-6);
    expect(projected[1]).toEqual(bits(tf.scalar(1)));
    expect(projected[2]).toEqual(bits(tf.scalar(0)));
    layer.projectWeights();
    applyConstraints([layer]);
    layer.apply(tf.randomNormal([1, 6, 6, 2]), { training: true }); // projects first, then refreshes stepSize only
    expect(layer.getWeights().slice(0, 3).map(bits)).toEqual(projected.slice(0, 3));
  });

  it("refreshes stepSize 'auto' only on training calls, every stepSizeRefresh calls", () => {
    const x = tf.randomNormal([1, 6, 6, 2]) as tf.Tensor4D;
    const layer = built({ filters: 3, normalizeAtoms: false, stepSizeRefresh: 2 }, [1, 6, 6, 2]);
    const t0 = layer.getWeights()[3]!.dataSync()[0]!;
    const [k, b, l, t] = layer.getWeights().map((w) => w.clone()); // getWeights returns live variables
    layer.setWeights([tf.mul(k!, 2), b!, l!, t!]);
    layer.apply(x);
    expect(layer.getWeights()[3]!.dataSync()[0]).toBe(t0); // inference: no refresh
    layer.apply(x, { training: true }); // call 0: refresh
    const t1 = layer.getWeights()[3]!.dataSync()[0]!;
    expect(Math.abs(t1 / t0 / 0.25 - 1)).toBeLessThan(0.03); // ||2A||^2 = 4 ||A||^2 (power iteration: ~1e-2 noise)
    layer.setWeights([tf.mul(k!, 4), b!, l!, layer.getWeights()[3]!]);
    layer.apply(x, { training: true }); // call 1: no refresh
    expect(layer.getWeights()[3]!.dataSync()[0]).toBe(t1);
    layer.apply(x, { training: true }); // call 2: refresh
    expect(Math.abs((layer.getWeights()[3]!.dataSync()[0]! / t0) * 16 - 1)).toBeLessThan(0.03);
    const fixed = built({ filters: 3, stepSize: 0.2 }, [1, 6, 6, 2]);
    expect(() => fixed.refreshStepSize([1, 6, 6, 2])).toThrow(/stepSize 'auto'/);
  });

  it('keeps tf.memory().numTensors flat over a long loop of training calls and gradients', () => {
    const x = tf.randomNormal([2, 6, 6, 2]) as tf.Tensor4D;
    const layer = built({ filters: 3, strides: 2 });
    const opt = tf.train.sgd(0.01);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(() => tf.mean(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DictConv2D in models', () => {
  function toyData() {
    // two classes: images whose left or right half is bright
    const n = 16;
    const images = tf.tidy(() => {
      const noise = tf.randomUniform([n, 6, 6, 1], 0, 0.3, 'float32', 5);
      const left = tf.concat([tf.ones([n / 2, 6, 3, 1]), tf.zeros([n / 2, 6, 3, 1])], 2);
      const right = tf.reverse(left, 2);
      return tf.add(noise, tf.concat([left, right], 0));
    });
    const labels = tf.oneHot(
      tf.tensor1d(
        [...Array(n).keys()].map((i) => (i < n / 2 ? 0 : 1)),
        'int32',
      ),
      2,
    );
    return { images, labels };
  }

  it('trains inside tf.sequential with model.fit: loss falls, constraints hold, beta moves', async () => {
    const { images, labels } = toyData();
    const model = tf.sequential({
      layers: [
        elasticDictConv2d({ inputShape: [6, 6, 1], filters: 4, strides: 2, name: 'dict' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const layer = model.getLayer('dict') as DictConv2D;
    const t0 = layer.getWeights()[3]!.dataSync()[0]!;
    const history = await model.fit(images, labels, {
      epochs: 12,
      batchSize: 8,
      verbose: 0,
      callbacks: constraintsCallback(model),
    });
    const loss = history.history.loss as number[];
    expect(loss[loss.length - 1]!).toBeLessThan(0.5 * loss[0]!);
    for (const n of atomNorms(layer)) expect(n).toBeCloseTo(1, 5);
    expect(layer.getWeights()[3]!.dataSync()[0]).not.toBe(t0); // fit's training calls refreshed t
    const beta = layer.getWeights()[1]!.dataSync()[0]!;
    expect(beta).toBeGreaterThanOrEqual(0);
    expect(beta).toBeLessThanOrEqual(1);
    expect(Math.abs(beta - 0.5)).toBeGreaterThan(1e-4);
  });

  it('works in a functional tf.model (fit and predict)', async () => {
    const { images, labels } = toyData();
    const input = tf.input({ shape: [6, 6, 1] });
    const codes = robustDictConv2d({ filters: 4, name: 'robust' }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(codes) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    expect(codes.shape).toEqual([null, 6, 6, 4]);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    const history = await model.fit(images, labels, { epochs: 3, batchSize: 8, verbose: 0 });
    expect((history.history.loss as number[]).every(Number.isFinite)).toBe(true);
    const out = model.predict(images) as tf.Tensor;
    expect(out.shape).toEqual([16, 2]);
    expect(tf.sum(out).dataSync()[0]).toBeCloseTo(16, 3);
  });

  it('saves and loads through tf.io handlers with identical outputs and config', async () => {
    const model = tf.sequential({
      layers: [
        dictConv2d({
          kind: 'elastic',
          inputShape: [7, 7, 2],
          filters: 3,
          strides: 2,
          beta: 0.3,
          steps: 2,
          lambda: 0.2,
          trainLambda: true,
          eps: 0.01,
          nonNegative: false,
          stepSizeRefresh: 3,
          detachWeights: true,
          name: 'dict',
        }),
        vanillaDictConv2d({ filters: 2, kernelSize: 1, padding: 'valid', stepSize: 0.5, normalizeAtoms: false }),
      ],
    });
    const x = tf.randomNormal([2, 7, 7, 2]);
    const y = model.predict(x) as tf.Tensor;
    const loaded = await saveAndLoad(model);
    expect(maxAbsDiff(loaded.predict(x) as tf.Tensor, y)).toBe(0);
    for (let i = 0; i < 2; i++) {
      expect(loaded.layers[i]!.getConfig()).toEqual(model.layers[i]!.getConfig());
      expect(loaded.layers[i]).toBeInstanceOf(DictConv2D);
    }
    const a = model.layers[0]!.getWeights().map((w) => Array.from(w.dataSync()));
    const b = loaded.layers[0]!.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });
});

describe('DictConv2D recompute (gradient checkpointing)', () => {
  /** Twin layers (recompute off / on) with the same weights. */
  function twins(config: ConstructorParameters<typeof DictConv2D>[0]) {
    const plain = built({ ...config, recompute: false });
    const checkpointed = built({ ...config, recompute: true });
    checkpointed.setWeights(plain.getWeights());
    return [plain, checkpointed] as const;
  }
  const relative = (a: tf.Tensor, b: tf.Tensor) => {
    const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]!);
    expect(scale).toBeGreaterThan(0);
    return maxAbsDiff(a, b) / scale;
  };

  for (const kind of KINDS) {
    for (const detachWeights of [false, true]) {
      it(`${kind}, detachWeights ${detachWeights}: same gradients for x and every trainable weight`, () => {
        const x = tf.mul(tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 7), 2) as tf.Tensor4D;
        const g = tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 8);
        const config = { kind, filters: 3, strides: 2, trainLambda: true, detachWeights, eps: 0.05 };
        const layers = twins(config);
        const grads = layers.map((layer) => {
          // not a training call: its step-size refresh (warm-started per layer) would make the twins' t differ
          const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, g));
          const { grads: byName } = tf.variableGrads(() => loss(x) as tf.Scalar);
          const names = layer.trainableWeights.map((w) => w.name);
          return [tf.grad(loss)(x), ...names.map((n) => byName[n]!)];
        });
        const [plain, checkpointed] = grads as [tf.Tensor[], tf.Tensor[]];
        expect(plain.length).toBe(kind === 'elastic' ? 4 : 3); // x, kernel, (beta), lambda
        expect(checkpointed.length).toBe(plain.length);
        for (let i = 0; i < plain.length; i++) expect(relative(checkpointed[i]!, plain[i]!)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  it('keeps tf.memory().numTensors flat over a loop of optimizer steps', () => {
    const x = tf.randomNormal([2, 6, 6, 2]) as tf.Tensor4D;
    const layer = built({ filters: 3, strides: 2, recompute: true, trainLambda: true });
    const opt = tf.train.sgd(0.01);
    const kernel0 = tf.clone(layer.getWeights()[0]!);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(() => tf.mean(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      });
    step();
    expect(maxAbsDiff(layer.getWeights()[0]!, kernel0)).toBeGreaterThan(0); // the gradient reached the variable
    const before = tf.memory().numTensors;
    for (let i = 0; i < 15; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains with model.fit (loss falls) and loads strictly with the option and identical outputs', async () => {
    const n = 16;
    const images = tf.tidy(() => {
      const left = tf.concat([tf.ones([n / 2, 6, 3, 1]), tf.zeros([n / 2, 6, 3, 1])], 2);
      return tf.add(tf.randomUniform([n, 6, 6, 1], 0, 0.3, 'float32', 5), tf.concat([left, tf.reverse(left, 2)], 0));
    });
    const labels = tf.oneHot(
      tf.tensor1d(
        [...Array(n).keys()].map((i) => Number(i >= n / 2)),
        'int32',
      ),
      2,
    );
    const model = tf.sequential({
      layers: [
        elasticDictConv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          strides: 2,
          recompute: true,
          name: 'dict',
          kernelInitializer: tf.initializers.heNormal({ seed: 11 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    // projected weights after each step (loading sets the saved weights as they are, projected or not)
    const callbacks = constraintsCallback(model);
    const history = await model.fit(images, labels, { epochs: 12, batchSize: 8, verbose: 0, callbacks });
    const loss = history.history.loss as number[];
    expect(loss[loss.length - 1]!).toBeLessThan(0.5 * loss[0]!);
    expect(Math.abs(currentBetaOf(model) - 0.5)).toBeGreaterThan(1e-4); // beta was trained through the checkpoint
    const loaded = await saveAndLoad(model, { strict: true });
    expect((loaded.getLayer('dict') as DictConv2D).options.recompute).toBe(true);
    expect(maxAbsDiff(loaded.predict(images) as tf.Tensor, model.predict(images) as tf.Tensor)).toBe(0);
  });
});

function currentBetaOf(model: tf.LayersModel): number {
  return (model.getLayer('dict') as DictConv2D).currentBeta();
}

describe('DictConv2D strict loading (tfjs builds with zero kernels first)', () => {
  it('loads with tf.loadLayersModel(fromMemory, { strict: true }) and gives identical outputs', async () => {
    const input = tf.input({ shape: [7, 7, 2] });
    const a = dictConv2d({ kind: 'robust', filters: 3, strides: 2, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = vanillaDictConv2d({ filters: 2, name: 'b' }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: b });
    const x = tf.randomNormal([2, 7, 7, 2]);
    const loaded = await saveAndLoad(model, { strict: true });
    expect(maxAbsDiff(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBe(0);
    for (const name of ['a', 'b']) {
      const t = (m: tf.LayersModel) => m.getLayer(name).getWeights()[3]!.dataSync()[0];
      expect(t(loaded)).toBe(t(model)); // the saved step size replaced the build placeholder
    }
  });

  it('builds with a zero kernel (placeholder t); a training call on it keeps t and gives zero codes', () => {
    const layer = new DictConv2D({ filters: 2, kernelInitializer: tf.initializers.zeros() as never });
    const x = tf.ones([1, 5, 5, 1]);
    layer.apply(x);
    expect(layer.getWeights()[3]!.dataSync()[0]).toBeCloseTo(0.1, 6); // the placeholder
    const z = layer.apply(x, { training: true }) as tf.Tensor;
    expect(layer.getWeights()[3]!.dataSync()[0]).toBeCloseTo(0.1, 6);
    expect(Array.from(z.dataSync()).every((v) => v === 0)).toBe(true);
    // a real kernel afterwards gets a real step size (the zero kernel did not spoil the warm start)
    layer.setWeights([tf.ones([3, 3, 1, 2]), ...layer.getWeights().slice(1)]);
    layer.apply(x, { training: true });
    const t = layer.getWeights()[3]!.dataSync()[0]!;
    expect(Number.isFinite(t) && t > 0 && t !== 0.1).toBe(true);
  });
});
