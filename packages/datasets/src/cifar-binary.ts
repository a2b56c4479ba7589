import { createImageSet, type ImageSet } from './image-set.ts';
import { type OnError, resolveOnError } from './on-error.ts';

/** The CIFAR-10 class names, by label. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** The side of a CIFAR image. */
export const CIFAR_SIDE = 32;
/** Pixel bytes per CIFAR record: three 1024-byte planes R, G, B, each row-major. */
export const CIFAR_PIXEL_BYTES = 3 * CIFAR_SIDE * CIFAR_SIDE;

/** Options of {@link parseCifarBinary}. */
export interface ParseCifarBinaryOptions {
  /** `'cifar10'`: records of 1 label byte + 3072; `'cifar100'`: coarse byte + fine byte + 3072. */
  format: 'cifar10' | 'cifar100';
  /** For CIFAR-100: which label to keep (default `'fine'`, 100 classes; `'coarse'` has 20). */
  labels?: 'fine' | 'coarse';
  /** Name of the file the bytes came from, used in error messages. */
  source?: string;
  /** Truncated trailing record or label out of range: throw (default) or skip the record. */
  onError?: OnError;
  /** Class names to attach (length must equal the class count). */
  classNames?: readonly string[];
}

/**
 * Copies one CHW record (R plane, G plane, B plane) into HWC order.
 *
 * @param src - the 3072 pixel bytes of a record.
 * @param dst - destination, at least `offset + 3072` bytes.
 * @param offset - where image starts in `dst`.
 */
export function chwToHwc(src: Uint8Array, dst: Uint8Array, offset: number): void {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  for (let p = 0; p < plane; p++) {
    const o = offset + p * 3;
    dst[o] = src[p]!;
    dst[o + 1] = src[plane + p]!;
    dst[o + 2] = src[2 * plane + p]!;
  }
}

/**
 * Parses the official CIFAR-10 / CIFAR-100 binary format into an {@link ImageSet} (32x32x3 uint8, HWC).
 *
 * @param bytes - the file contents (one or more whole records).
 * @param options - format, label kind, source name for errors, `onError`.
 * @returns the image set, records in file order.
 * @example
 * const set = parseCifarBinary(readFileSync('test_batch.bin'), { format: 'cifar10', source: 'test_batch.bin' });
 */
export function parseCifarBinary(bytes: Uint8Array, options: ParseCifarBinaryOptions): ImageSet {
  const { format } = options;
  if (format !== 'cifar10' && format !== 'cifar100') {
    throw new Error(`parseCifarBinary: options.format must be 'cifar10' or 'cifar100', got ${String(format)}`);
  }
  const onError = resolveOnError('parseCifarBinary', options.onError);
  const labelKind = options.labels ?? 'fine';
  if (labelKind !== 'fine' && labelKind !== 'coarse') {
    throw new Error(`parseCifarBinary: options.labels must be 'fine' or 'coarse', got ${String(labelKind)}`);
  }
  const source = options.source ?? '<bytes>';
  const header = format === 'cifar10' ? 1 : 2;
  const labelOffset = format === 'cifar10' ? 0 : labelKind === 'coarse' ? 0 : 1;
  const numClasses = format === 'cifar10' ? 10 : labelKind === 'coarse' ? 20 : 100;
  const recordSize = header + CIFAR_PIXEL_BYTES;
  const whole = Math.floor(bytes.length / recordSize);
  if (whole === 0) {
    throw new Error(
      `parseCifarBinary: ${source} holds no ${format} record (${bytes.length} bytes; one record is ${recordSize} bytes)`,
    );
  }
  if (bytes.length % recordSize !== 0 && onError === 'throw') {
    throw new Error(
      `parseCifarBinary: ${source} is truncated: ${bytes.length} bytes is not a multiple of the ${recordSize}-byte ${format} record; record ${whole} has only ${bytes.length % recordSize} bytes`,
    );
  }
  const images = new Uint8Array(whole * CIFAR_PIXEL_BYTES);
  const labels = new Int32Array(whole);
  let n = 0;
  for (let r = 0; r < whole; r++) {
    const start = r * recordSize;
    const label = bytes[start + labelOffset]!;
    if (label >= numClasses) {
      if (onError === 'skip') continue;
      throw new Error(
        `parseCifarBinary: ${source} record ${r} (byte ${start}) has ${format === 'cifar10' ? '' : `${labelKind} `}label ${label}, expected 0..${numClasses - 1}`,
      );
    }
    chwToHwc(bytes.subarray(start + header, start + recordSize), images, n * CIFAR_PIXEL_BYTES);
    labels[n] = label;
    n++;
  }
  const init = {
    images: n === whole ? images : images.slice(0, n * CIFAR_PIXEL_BYTES),
    labels: n === whole ? labels : labels.slice(0, n),
    height: CIFAR_SIDE,
    width: CIFAR_SIDE,
    channels: 3,
    numClasses,
  };
  return createImageSet(options.classNames ? { ...init, classNames: options.classNames } : init);
}
