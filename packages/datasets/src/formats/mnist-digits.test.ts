import { describe, expect, it } from 'vitest';
import { labelHistogram } from '../images/image-set.ts';
import { mnistDigitBytes, mnistFromDigits } from './mnist-digits.ts';

// Ten digits with 5 images each; image i of digit d is filled with the byte 20 * d + i, so each image says where it
// came from.
const digits = Array.from({ length: 10 }, (_, d) => {
  const bytes = new Uint8Array(5 * 784);
  for (let i = 0; i < 5; i++) bytes.fill(20 * d + i, i * 784, (i + 1) * 784);
  return bytes;
});

describe('mnistFromDigits (no file access)', () => {
  it('puts the first 80% of each digit in train and the rest in test, labels matching the pixels', () => {
    const train = mnistFromDigits(digits, 'train');
    const test = mnistFromDigits(digits, 'test');
    expect(labelHistogram(train)).toEqual(new Array(10).fill(4));
    expect(labelHistogram(test)).toEqual(new Array(10).fill(1));
    for (const set of [train, test]) {
      for (let k = 0; k < set.count; k++) {
        const v = set.images[k * 784]!;
        expect(Math.floor(v / 20)).toBe(set.labels[k]);
        expect(v % 20 < 4).toBe(set === train);
      }
    }
    expect(mnistFromDigits(digits, 'all').count).toBe(50);
  });
  it('restores values in [0, 1] to bytes and names the source of a bad value or size', () => {
    expect(Array.from(mnistDigitBytes(new Array(784).fill(0.502), 'd.json').subarray(0, 2))).toEqual([128, 128]);
    expect(() => mnistDigitBytes([0.5], 'd.json')).toThrow(/d\.json should hold a multiple of 784/);
    expect(() => mnistDigitBytes(new Array(784).fill(2), 'd.json')).toThrow(/d\.json value 0 \(image 0\) is 2/);
    expect(() => mnistFromDigits(digits.slice(0, 9), 'train')).toThrow(/ten Uint8Arrays/);
    expect(() => mnistFromDigits(digits, 'val' as 'train')).toThrow(/options.split must be/);
  });
});
