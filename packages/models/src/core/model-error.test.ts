import { describe, expect, it } from 'vitest';
import { resolveResNetOptions } from '../resnet/resnet-options.ts';
import { decodeSafetensors } from '../safetensors/decode-safetensors.ts';
import { ModelError } from './model-error.ts';

describe('ModelError', () => {
  it('is what bad options throw, naming the option in the checkers style', () => {
    expect(() => resolveResNetOptions({ depth: 10, numClasses: 0 })).toThrow(ModelError);
    expect(() => resolveResNetOptions({ depth: 10, numClasses: 0 })).toThrow(
      expect.objectContaining({
        name: 'ModelError',
        code: 'invalid-option',
        option: 'numClasses',
        message: 'numClasses must be an integer >= 1, got 0',
      }),
    );
    expect(() => resolveResNetOptions({ depth: 20 as 10 })).toThrow(/^depth must be one of 10, 18, 34, 50, got 20$/);
  });

  it("has code 'invalid-file' for bytes that are not safetensors", () => {
    expect(() => decodeSafetensors(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'invalid-file' }));
  });
});
