import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { resolveDictConv2DOptions } from './dict-conv2d-config.ts';
import { LayerError } from './layer-error.ts';
import { rista } from './rista.ts';

function caught(f: () => unknown): LayerError {
  try {
    f();
  } catch (err) {
    return err as LayerError;
  }
  throw new Error('expected a throw');
}

describe('LayerError', () => {
  it('is what bad options throw, with the code and the option named', () => {
    const e = caught(() => resolveDictConv2DOptions({ filters: 0 }));
    expect(e).toBeInstanceOf(LayerError);
    expect(e.name).toBe('LayerError');
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('filters');
    expect(e.message).toBe('filters must be an integer >= 1, got 0');
  });

  it('names the input for a wrong-rank tensor', () => {
    const e = caught(() => rista(tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D));
    expect(e.code).toBe('invalid-input');
    expect(e.option).toBe('x');
  });
});
