import { describe, expect, it } from 'vitest';
import { resolveDictConv2DOptions } from './dict-conv2d-config.ts';
import { DICT_LAYER_FORWARDED_OPTIONS, pickDictLayerOptions } from './dict-layer-forwarded-options.ts';

describe('DICT_LAYER_FORWARDED_OPTIONS / pickDictLayerOptions', () => {
  it('names every layer option except the per-layer geometry, kind and initializer', () => {
    const resolved = resolveDictConv2DOptions({ filters: 1 });
    const perLayer = ['kind', 'filters', 'kernelSize', 'strides', 'padding', 'kernelInitializer'];
    expect([...DICT_LAYER_FORWARDED_OPTIONS].sort()).toEqual(
      Object.keys(resolved)
        .filter((k) => !perLayer.includes(k))
        .sort(),
    );
  });

  it('picks the defined forwarded options and drops beta / trainBeta for kinds that fix beta', () => {
    const network = { depth: 18, steps: 2, lambda: 0.05, eps: undefined, beta: 0.3, trainBeta: false, seed: 4 };
    expect(pickDictLayerOptions(network)).toEqual({ steps: 2, lambda: 0.05, beta: 0.3, trainBeta: false });
    expect(pickDictLayerOptions(network, 'elastic')).toEqual({ steps: 2, lambda: 0.05, beta: 0.3, trainBeta: false });
    for (const kind of ['vanilla', 'robust'] as const) {
      expect(pickDictLayerOptions(network, kind)).toEqual({ steps: 2, lambda: 0.05 });
      expect(() =>
        resolveDictConv2DOptions({ ...pickDictLayerOptions(network, kind), filters: 1, kind }),
      ).not.toThrow();
    }
    expect(() => pickDictLayerOptions(null as never)).toThrow(/options: expected an options object/);
  });
});
