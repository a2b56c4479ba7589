import { ModelError } from '../core/model-error.ts';
import { assertLittleEndian, DTYPES, numElements, type SafeTensor, type SafetensorsDtype } from './safetensors.ts';

/** Largest header the reference implementation accepts (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** A decoded safetensors file. */
export interface SafetensorsFile {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown, dataLength: number, source: string): Entry {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (v === null || typeof v !== 'object')
    throw new ModelError('invalid-file', 'bytes', `${source}: header entry '${name}' is not an object`);
  if (typeof v.dtype !== 'string' || !(v.dtype in DTYPES)) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' has unknown dtype ${JSON.stringify(v.dtype)}`,
    );
  }
  const dtype = v.dtype as SafetensorsDtype;
  if (!Array.isArray(v.shape) || !v.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' has an invalid shape ${JSON.stringify(v.shape)}`,
    );
  }
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin)
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' has data_offsets [${begin}, ${end}] with end < begin`,
    );
  if (end > dataLength) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' has data_offsets [${begin}, ${end}] beyond the end of the data (${dataLength} bytes); the file is truncated or corrupt`,
    );
  }
  const shape = v.shape as number[];
  const expected = numElements(shape) * DTYPES[dtype].bytes;
  if (end - begin !== expected) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: tensor '${name}' [${shape}] ${dtype} needs ${expected} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

/**
 * Parses and validates a safetensors buffer (see {@link encodeSafetensors} for the layout): a truncated file, a
 * header that is not JSON, an unknown dtype, offsets beyond the end, overlapping or gapped data all throw an Error
 * that names `source` and the problem. Tensor data is copied out of `bytes`.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  assertLittleEndian();
  if (bytes.byteLength < 8) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: truncated: ${bytes.byteLength} bytes, shorter than the 8-byte header length`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: truncated: header length ${headerLength} exceeds the ${bytes.byteLength - 8} bytes after it`,
    );
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: header length ${headerLength} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`,
    );
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: header is not valid UTF-8 JSON (${(error as Error).message})`,
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ModelError('invalid-file', 'bytes', `${source}: header is not a JSON object`);
  }
  const dataStart = 8 + n;
  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || !Object.values(value).every((m) => typeof m === 'string')) {
        throw new ModelError('invalid-file', 'bytes', `${source}: __metadata__ must map strings to strings`);
      }
      Object.assign(metadata, value);
    } else entries.push(parseEntry(name, value, dataLength, source));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end); // an empty tensor may share its begin with the next
  let expectedBegin = 0;
  for (const e of entries) {
    if (e.begin !== expectedBegin) {
      throw new ModelError(
        'invalid-file',
        'bytes',
        `${source}: tensor '${e.name}' starts at byte ${e.begin}, expected ${expectedBegin} (overlap or gap)`,
      );
    }
    expectedBegin = e.end;
  }
  if (expectedBegin !== dataLength) {
    throw new ModelError(
      'invalid-file',
      'bytes',
      `${source}: the tensors cover ${expectedBegin} bytes but the data section has ${dataLength}`,
    );
  }
  const tensors: Record<string, SafeTensor> = {};
  for (const e of entries) {
    const copy = bytes.slice(dataStart + e.begin, dataStart + e.end).buffer;
    const info = DTYPES[e.dtype];
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: info.make(copy, 0, (e.end - e.begin) / info.bytes) };
  }
  return { tensors, metadata };
}
