import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { resolveDictConv2DOptions } from '../layer/dict-conv2d-config.ts';
import { rista } from '../rista/rista.ts';
import { LayerError } from './layer-error.ts';

describe('LayerError', () => {
  it('is what bad options throw, with the code and the option named', () => {
    expect(() => resolveDictConv2DOptions({ filters: 0 })).toThrow(LayerError);
    expect(() => resolveDictConv2DOptions({ filters: 0 })).toThrow(
      expect.objectContaining({
        name: 'LayerError',
        code: 'invalid-option',
        option: 'filters',
        message: 'filters must be an integer >= 1, got 0',
      }),
    );
  });

  it('names the input for a wrong-rank tensor', () => {
    const x = tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D;
    expect(() => rista(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D)).toThrow(
      expect.objectContaining({ code: 'invalid-input', option: 'x' }),
    );
  });
});
