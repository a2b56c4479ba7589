import { ModelError } from '../core/model-error.ts';
/** Element types of the safetensors format this package reads and writes. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Typed-array storage of one tensor (F16 / BF16 are kept as their raw 16-bit patterns). */
export type SafetensorsData =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** One tensor of a safetensors file. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsData;
}

/** Bytes per element and typed-array constructor of each dtype. */
export const DTYPES: Record<
  SafetensorsDtype,
  { bytes: number; make: (buffer: ArrayBuffer, offset: number, length: number) => SafetensorsData }
> = {
  F64: { bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  F32: { bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  F16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  BF16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  I64: { bytes: 8, make: (b, o, n) => new BigInt64Array(b, o, n) },
  I32: { bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  I16: { bytes: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  I8: { bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  U8: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  BOOL: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

/** Number of elements of a shape (1 for a scalar `[]`). */
export function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Throws unless the host is little-endian, the byte order safetensors prescribes (typed arrays use the host's). */
export function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ModelError('unsupported', 'platform', 'safetensors: a big-endian host is not supported');
  }
}
