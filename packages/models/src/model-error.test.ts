import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.ts';
import { ModelError } from './model-error.ts';
import { resolveResNetOptions } from './resnet-options.ts';

function caught(f: () => unknown): ModelError {
  try {
    f();
  } catch (err) {
    return err as ModelError;
  }
  throw new Error('expected a throw');
}

describe('ModelError', () => {
  it('is what bad options throw, naming the option in the checkers style', () => {
    const e = caught(() => resolveResNetOptions({ depth: 10, numClasses: 0 }));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.name).toBe('ModelError');
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('numClasses');
    expect(e.message).toBe('numClasses must be an integer >= 1, got 0');
    expect(caught(() => resolveResNetOptions({ depth: 20 as 10 })).message).toBe(
      'depth must be one of 10, 18, 34, 50, got 20',
    );
  });

  it("has code 'invalid-file' for bytes that are not safetensors", () => {
    const e = caught(() => decodeSafetensors(new Uint8Array(3)));
    expect(e.code).toBe('invalid-file');
  });
});
