import { ModelError } from '../core/model-error.ts';
import { assertLittleEndian, DTYPES, numElements, type SafeTensor } from './safetensors.ts';

/**
 * Serialises tensors in the safetensors format (huggingface/safetensors): an 8-byte little-endian header length
 * `N`, a JSON header of `N` bytes `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}` padded with
 * spaces to a multiple of 8, then the raw little-endian data, tensors back to back in name order.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
 */
export function encodeSafetensors(tensors: Record<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  assertLittleEndian();
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (!Object.values(metadata).every((v) => typeof v === 'string')) {
      throw new ModelError('invalid-option', 'metadata', 'metadata: expected a map of strings to strings');
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new ModelError('invalid-option', 'tensors', "tensors: the name '__metadata__' is reserved");
    const t = tensors[name]!;
    const info = DTYPES[t.dtype];
    if (info === undefined)
      throw new ModelError('invalid-option', 'tensors', `tensors.${name}: unknown dtype '${String(t.dtype)}'`);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelError('invalid-option', 'tensors', `tensors.${name}: invalid shape ${JSON.stringify(t.shape)}`);
    }
    const bytes = numElements(t.shape) * info.bytes;
    if (t.data.byteLength !== bytes) {
      throw new ModelError(
        'invalid-option',
        'tensors',
        `tensors.${name}: shape [${t.shape}] ${t.dtype} needs ${bytes} bytes, data has ${t.data.byteLength}`,
      );
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  const pad = (8 - (encoder.encode(json).byteLength % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const name of names) {
    const { data } = tensors[name]!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}
