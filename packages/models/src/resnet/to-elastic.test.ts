import { type DictConv2D, getBetas, isDictLayer, vanillaDictConv2d } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet } from './resnet.ts';
import { toElastic } from './to-elastic.ts';

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [8, 8, 3] as [number, number, number] };
/** The betas of the model's dictionary layers, by layer name. */
const betasOf = (model: tf.LayersModel) => Object.fromEntries(getBetas(model).map((row) => [row.layer, row.beta]));
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

let x: tf.Tensor4D;
beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 11);
});

describe('toElastic', () => {
  it('with beta = 1 computes the vanilla function, keeps every weight and sets the betas', () => {
    const vanilla = resnet({ ...small, conv: 'vanilla', lambda: 0.01, seed: 1 });
    const elastic = toElastic(vanilla, { beta: 1 });
    const yv = vanilla.predict(x) as tf.Tensor;
    const ye = elastic.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(yv)).dataSync()[0]).toBeGreaterThan(1e-4); // non-trivial output
    expect(maxAbsDiff(yv, ye)).toBeLessThan(1e-5);
    for (const layer of vanilla.layers) {
      const target = elastic.getLayer(layer.name);
      if (layer.getClassName() === 'DictConv2D') {
        expect((target as unknown as { kind: string }).kind).toBe('elastic');
        expect((layer as unknown as { kind: string }).kind).toBe('vanilla'); // source untouched
        const [k0, , l0, t0] = layer.getWeights();
        const [k1, , l1, t1] = target.getWeights();
        expect(Array.from(k1!.dataSync())).toEqual(Array.from(k0!.dataSync()));
        expect(l1!.dataSync()[0]).toBe(l0!.dataSync()[0]);
        expect(t1!.dataSync()[0]).toBe(t0!.dataSync()[0]);
      } else {
        const w0 = layer.getWeights();
        const w1 = target.getWeights();
        expect(w1.length).toBe(w0.length);
        for (const [i, w] of w0.entries()) expect(Array.from(w1[i]!.dataSync())).toEqual(Array.from(w.dataSync()));
      }
    }
    expect(Object.values(betasOf(elastic))).toEqual(new Array(9).fill(1));
    expect(Object.values(betasOf(vanilla))).toEqual(new Array(9).fill(1));
    tf.dispose([yv, ye]);
  });

  it('copies kernels bit for bit even when they are not unit-norm (no projection on the way)', () => {
    const vanilla = resnet({ ...small, conv: 'vanilla', lambda: 0.01, seed: 4 });
    for (const layer of vanilla.layers.filter(isDictLayer)) {
      const kernel = layer.weight('kernel').read() as tf.Variable;
      kernel.assign(tf.mul(kernel, 1.5)); // as an optimizer step may leave it
    }
    const elastic = toElastic(vanilla);
    const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
    for (const layer of vanilla.layers.filter(isDictLayer)) {
      const target = elastic.getLayer(layer.name) as DictConv2D;
      for (const name of ['kernel', 'lambda', 'stepSize'] as const) {
        expect(bits(target.weight(name).read())).toEqual(bits(layer.weight(name).read()));
      }
    }
  });

  it('sets the requested beta, trainable or not, and then changes the function', () => {
    const vanilla = resnet({ ...small, conv: 'vanilla', lambda: 0.01, seed: 2 });
    const trained = toElastic(vanilla, { beta: 0.25 });
    const frozen = toElastic(vanilla, { beta: 0.25, trainBeta: false });
    expect(Object.values(betasOf(trained))).toEqual(new Array(9).fill(0.25));
    const dictNames = new Set(Object.keys(betasOf(vanilla)));
    const isBeta = (w: tf.LayerVariable) =>
      w.originalName.endsWith('/beta') && dictNames.has(w.originalName.split('/')[0]!);
    expect(trained.trainableWeights.filter(isBeta)).toHaveLength(9);
    expect(frozen.trainableWeights.filter(isBeta)).toHaveLength(0);
    expect(vanilla.trainableWeights.filter(isBeta)).toHaveLength(0);
    const yv = vanilla.predict(x) as tf.Tensor;
    const ye = trained.predict(x) as tf.Tensor;
    expect(maxAbsDiff(yv, ye)).toBeGreaterThan(1e-6);
    tf.dispose([yv, ye]);
  });

  it('names the copy for what it is, in memory and in a saved model.json', () => {
    const savedName = (model: tf.LayersModel) =>
      (model.toJSON(null, false) as { config: { name: string } }).config.name;
    const vanilla = resnet({ ...small, conv: 'vanilla', seed: 1 });
    expect(vanilla.name).toBe('resnet10-vanilla');
    const elastic = toElastic(vanilla);
    expect(elastic.name).toBe('resnet10-elastic');
    expect(savedName(elastic)).toBe('resnet10-elastic');
    expect(toElastic(resnet({ ...small, conv: 'robust' })).name).toBe('resnet10-elastic');
    expect(toElastic(elastic, { beta: 0.2 }).name).toBe('resnet10-elastic');
    expect(toElastic(resnet({ ...small, conv: 'vanilla', name: 'mine' })).name).toBe('mine-elastic');
    expect(savedName(toElastic(vanilla, { name: 'finetune' }))).toBe('finetune');
    expect(() => toElastic(vanilla, { name: '' })).toThrow(/name: expected a non-empty string/);
  });

  it('converts a tf.sequential model too (it crashed inside tfjs: "Cannot read properties of undefined")', () => {
    const vanilla = tf.sequential({
      layers: [
        vanillaDictConv2d({ inputShape: [8, 8, 3], filters: 4, steps: 2, name: 'dict' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, name: 'head' }),
      ],
    });
    const elastic = toElastic(vanilla, { beta: 1 });
    expect(elastic).toBeInstanceOf(tf.Sequential);
    expect((elastic.getLayer('dict') as DictConv2D).kind).toBe('elastic');
    expect(maxAbsDiff(vanilla.predict(x) as tf.Tensor, elastic.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    vanilla.dispose();
    elastic.dispose();
  });

  it('refuses a model without dictionary layers and a beta outside [0, 1]', () => {
    const standard = resnet({ ...small });
    expect(() => toElastic(standard)).toThrow(/DictConv2D/);
    const robust = resnet({ ...small, conv: 'robust' });
    expect(() => toElastic(robust, { beta: 1.5 })).toThrow(/beta/);
    expect(Object.values(betasOf(toElastic(robust)))).toEqual(new Array(9).fill(0.5));
  });
});
