import { describe, expect, it } from 'vitest';
import { iterateArrayBatches } from './array-batches.ts';
import { parseCifarBinary } from './cifar-binary.ts';
import { DatasetError } from './dataset-error.ts';
import { createImageSet } from './image-set.ts';

function caught(f: () => unknown): DatasetError {
  try {
    f();
  } catch (err) {
    return err as DatasetError;
  }
  throw new Error('expected a throw');
}

const set = createImageSet({
  images: new Uint8Array(2 * 4),
  labels: Int32Array.of(0, 1),
  height: 2,
  width: 2,
  channels: 1,
  numClasses: 2,
});

describe('DatasetError', () => {
  it('is what bad options throw, naming the option in the checkers style', () => {
    const e = caught(() => [...iterateArrayBatches(set, { batchSize: 0 })]);
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.name).toBe('DatasetError');
    expect(e.code).toBe('invalid-option');
    expect(e.option).toBe('batchSize');
    expect(e.message).toBe('batchSize must be an integer >= 1, got 0');
    const f = caught(() => parseCifarBinary(new Uint8Array(0), { format: 'cifar11' as 'cifar10' }));
    expect(f.message).toBe('format must be one of "cifar10", "cifar100", got "cifar11"');
  });

  it("has code 'invalid-file' for a truncated file", () => {
    const e = caught(() => parseCifarBinary(new Uint8Array(5), { format: 'cifar10' }));
    expect(e.code).toBe('invalid-file');
    expect(e.option).toBe('bytes');
  });
});
