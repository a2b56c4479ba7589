import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DictConv2D } from './dict-conv2d.ts';
import { type DictConv2DOptions, fixedBetaOf, resolveDictConv2DOptions } from './dict-conv2d-config.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('resolveDictConv2DOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveDictConv2DOptions({ filters: 8 })).toEqual({
      kind: 'elastic',
      filters: 8,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'symmetric',
      steps: 3,
      lambda: 0.1,
      trainLambda: false,
      eps: 1e-3,
      nonNegative: true,
      stepSize: 'auto',
      stepSizeRule: 'elastic',
      stepSizeRefresh: 1,
      normalizeAtoms: true,
      beta: 0.5,
      trainBeta: true,
      detachWeights: false,
      recompute: false,
      kernelInitializer: 'heNormal',
    });
    expect(resolveDictConv2DOptions({ filters: 8, kind: 'vanilla' })).toMatchObject({ beta: 1, trainBeta: false });
    expect(resolveDictConv2DOptions({ filters: 8, kind: 'robust' })).toMatchObject({ beta: 0, trainBeta: false });
  });

  it('fixedBetaOf: vanilla fixes 1, robust 0, elastic none (the only kind that learns beta)', () => {
    expect([fixedBetaOf('vanilla'), fixedBetaOf('robust'), fixedBetaOf('elastic')]).toEqual([1, 0, undefined]);
    expect(() => fixedBetaOf('sparse' as never)).toThrow(/kind must be one of "vanilla", "robust", "elastic"/);
  });

  it('rejects bad options with an error naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ lambda: -0.1 }, /lambda must be a finite number >= 0/],
      [{ kind: 'sparse' }, /kind must be one of "vanilla", "robust", "elastic", got "sparse"/],
      [{ steps: 0 }, /steps must be an integer >= 1/],
      [{ steps: 2.5 }, /steps/],
      [{ beta: 1.2 }, /beta must be a finite number >= 0 and <= 1/],
      [{ beta: -0.2 }, /beta/],
      [{ eps: 0 }, /eps must be a finite number > 0/],
      [{ eps: -1 }, /eps/],
      [{ filters: 0 }, /filters must be an integer >= 1/],
      [{ filters: undefined }, /filters/],
      [{ kernelSize: [3, 0] }, /kernelSize/],
      [{ strides: 0 }, /strides/],
      [{ padding: 'reflect' }, /padding/],
      [{ stepSize: 0 }, /stepSize must be a finite number > 0/],
      [{ stepSize: 'fast' }, /stepSize/],
      [{ stepSizeRefresh: 0 }, /stepSizeRefresh/],
      [{ stepSizeRule: 'sdnet' }, /stepSizeRule/],
      [{ kind: 'vanilla', beta: 0.5 }, /beta: kind 'vanilla' fixes beta = 1, got 0.5/],
      [{ kind: 'robust', beta: 1 }, /beta: kind 'robust' fixes beta = 0/],
      [{ kind: 'vanilla', trainBeta: true }, /trainBeta: kind 'vanilla' has a fixed beta/],
      [{ nonNegative: 'yes' }, /nonNegative must be true or false/],
      [{ recompute: 1 }, /recompute must be true or false/],
    ];
    for (const [patch, message] of bad) {
      expect(() => new DictConv2D({ filters: 4, ...patch } as unknown as DictConv2DOptions)).toThrow(message);
    }
  });

  it('errors clearly on inputs that are not rank 4 or whose size is unknown at build', () => {
    expect(() => new DictConv2D({ filters: 2 }).apply(tf.zeros([4, 4, 3]))).toThrow(/expected a rank-4 NHWC input/);
    expect(() => tf.sequential({ layers: [new DictConv2D({ filters: 2, inputShape: [4, 3] })] })).toThrow(
      /rank-4 NHWC/,
    );
    expect(() => tf.sequential({ layers: [new DictConv2D({ filters: 2, inputShape: [null, null, 3] })] })).toThrow(
      /height, width and channels of the input must be known at build/,
    );
    const unknownKernel = new DictConv2D({ filters: 2, kernelInitializer: 'bogus' as 'heNormal' });
    expect(() => unknownKernel.apply(tf.zeros([1, 4, 4, 1]))).toThrow(/kernelInitializer: expected one of/);
  });
});

describe('DictConv2D getConfig / fromConfig', () => {
  it('round-trips every option', () => {
    const options: DictConv2DOptions = {
      kind: 'elastic',
      filters: 6,
      kernelSize: [3, 5],
      strides: [2, 1],
      padding: [
        [0, 0],
        [1, 2],
        [2, 2],
        [0, 0],
      ],
      steps: 4,
      lambda: 0.25,
      trainLambda: true,
      eps: 0.02,
      nonNegative: false,
      stepSize: 0.3,
      stepSizeRule: 'lipschitz',
      stepSizeRefresh: 5,
      normalizeAtoms: false,
      beta: 0.7,
      trainBeta: false,
      detachWeights: true,
      recompute: true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    };
    const layer = new DictConv2D({ ...options, name: 'everything' });
    const config = layer.getConfig();
    const copy = DictConv2D.fromConfig(DictConv2D, config) as DictConv2D;
    expect(copy.getConfig()).toEqual(config);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const { kernelInitializer: _a, ...a } = copy.options;
    const { kernelInitializer: _b, ...b } = layer.options;
    expect(a).toEqual({ ...b, kernelSize: [3, 5], strides: [2, 1] });
    expect(copy.options.recompute).toBe(true);
    expect((DictConv2D.fromConfig(DictConv2D, { filters: 2 }) as DictConv2D).options.recompute).toBe(false);
    // a config saved before stepSizeRule existed keeps the rule it was computed with; a new layer gets 'elastic'
    expect((DictConv2D.fromConfig(DictConv2D, { filters: 2 }) as DictConv2D).options.stepSizeRule).toBe('lipschitz');
    expect(new DictConv2D({ filters: 2 }).options.stepSizeRule).toBe('elastic');
    // tfjs serialises glorotUniform as its VarianceScaling form
    expect(config.kernelInitializer).toEqual({
      className: 'VarianceScaling',
      config: expect.objectContaining({ seed: 3, mode: 'fanAvg', distribution: 'uniform' }),
    });
    // the restored initializer is the same function: same seed, same draw
    const x = tf.zeros([1, 6, 6, 2]);
    expect(Array.from((layer.apply(x) as tf.Tensor).shape)).toEqual([1, 4, 6, 6]);
    copy.apply(x);
    expect(Array.from(copy.getWeights()[0]!.dataSync())).toEqual(Array.from(layer.getWeights()[0]!.dataSync()));
  });
});
