import { describe, expect, it } from 'vitest';
import { iterateArrayBatches } from '../batching/array-batches.ts';
import { parseCifarBinary } from '../formats/cifar-binary.ts';
import { createImageSet } from '../images/image-set.ts';
import { DatasetError } from './dataset-error.ts';

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
    const batches = () => [...iterateArrayBatches(set, { batchSize: 0 })];
    expect(batches).toThrow(DatasetError);
    expect(batches).toThrow(
      expect.objectContaining({
        name: 'DatasetError',
        code: 'invalid-option',
        option: 'batchSize',
        message: 'batchSize must be an integer >= 1, got 0',
      }),
    );
    expect(() => parseCifarBinary(new Uint8Array(0), { format: 'cifar11' as 'cifar10' })).toThrow(
      /^format must be one of "cifar10", "cifar100", got "cifar11"$/,
    );
  });

  it("has code 'invalid-file' for a truncated file", () => {
    expect(() => parseCifarBinary(new Uint8Array(5), { format: 'cifar10' })).toThrow(
      expect.objectContaining({ code: 'invalid-file', option: 'bytes' }),
    );
  });
});
