import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import type { SafeTensor } from './safetensors.ts';
import { readSafetensors, writeSafetensors } from './safetensors-file.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edl-safetensors-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const sample: Record<string, SafeTensor> = {
  'b.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-8, -7]) },
  'a.count': { dtype: 'I64', shape: [], data: new BigInt64Array([42n]) },
  'c.idx': { dtype: 'I32', shape: [3], data: new Int32Array([-1, 0, 2147483647]) },
  'd.mask': { dtype: 'U8', shape: [2], data: new Uint8Array([0, 255]) },
  'e.empty': { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
};

/** Builds a file by hand: header JSON and data exactly as given. */
function handMade(header: object, data: Uint8Array, lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(lengthOverride ?? json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

describe('safetensors encode / decode', () => {
  it('writes the documented layout (header length, JSON header padded to 8, offsets in name order)', () => {
    const bytes = encodeSafetensors(sample, { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['a.count']).toEqual({ dtype: 'I64', shape: [], data_offsets: [0, 8] });
    expect(header['b.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [8, 32] });
    expect(header['c.idx'].data_offsets).toEqual([32, 44]);
    expect(bytes.byteLength).toBe(8 + n + 8 + 24 + 12 + 2);
    // b.weight[0, 2] = 3.5, little-endian at data offset 8 + 2 * 4
    expect(new DataView(bytes.buffer).getFloat32(8 + n + 8 + 8, true)).toBe(3.5);
  });

  it('round-trips every dtype, shape and the metadata', async () => {
    const path = join(root, 'sample.safetensors');
    await writeSafetensors(path, sample, { note: 'hi' });
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata).toEqual({ note: 'hi' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(sample).sort());
    for (const [name, t] of Object.entries(sample)) {
      expect(tensors[name]!.dtype).toBe(t.dtype);
      expect(tensors[name]!.shape).toEqual(t.shape);
      expect(Array.from(tensors[name]!.data as ArrayLike<number | bigint>)).toEqual(
        Array.from(t.data as ArrayLike<number | bigint>),
      );
    }
  });

  it('reads a file written by hand (independent of the encoder)', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2.25]).buffer);
    const { tensors } = decodeSafetensors(handMade({ x: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } }, data));
    expect(Array.from(tensors.x!.data as Float32Array)).toEqual([1.5, -2.25]);
  });

  it('rejects a truncated file, naming it', async () => {
    const bytes = encodeSafetensors(sample);
    const path = join(root, 'truncated.safetensors');
    await writeFile(path, bytes.subarray(0, bytes.byteLength - 3));
    await expect(readSafetensors(path)).rejects.toThrow(
      /truncated\.safetensors: tensor 'c\.idx' has data_offsets \[32, 44\] beyond the end of the data \(43 bytes\)/,
    );
    await writeFile(path, bytes.subarray(0, 40));
    await expect(readSafetensors(path)).rejects.toThrow(/truncated\.safetensors: truncated: header length \d+ exceeds/);
    await writeFile(path, bytes.subarray(0, 5));
    await expect(readSafetensors(path)).rejects.toThrow(/truncated: 5 bytes/);
    await expect(readSafetensors(join(root, 'absent.safetensors'))).rejects.toThrow(/absent\.safetensors: cannot read/);
  });

  it('rejects offsets beyond the end, unknown dtypes, wrong sizes, gaps and bad headers', () => {
    const data = new Uint8Array(8);
    const one = (entry: object) => handMade({ x: entry }, data);
    expect(() => decodeSafetensors(one({ dtype: 'F32', shape: [4], data_offsets: [0, 16] }), 'f')).toThrow(
      /f: .*beyond the end/,
    );
    expect(() => decodeSafetensors(one({ dtype: 'Q4', shape: [2], data_offsets: [0, 8] }), 'f')).toThrow(
      /unknown dtype "Q4"/,
    );
    expect(() => decodeSafetensors(one({ dtype: 'F32', shape: [3], data_offsets: [0, 8] }), 'f')).toThrow(
      /needs 12 bytes/,
    );
    expect(() => decodeSafetensors(one({ dtype: 'F32', shape: [1], data_offsets: [4, 8] }), 'f')).toThrow(/gap/);
    expect(() => decodeSafetensors(one({ dtype: 'F32', shape: [1], data_offsets: [0, 4] }), 'f')).toThrow(
      /cover 4 bytes/,
    );
    expect(() => decodeSafetensors(one({ dtype: 'F32', shape: [2], data_offsets: [8, 0] }), 'f')).toThrow(
      /end < begin/,
    );
    expect(() => decodeSafetensors(handMade([] as unknown as object, data), 'f')).toThrow(/not a JSON object/);
    const broken = handMade({ x: 1 }, data);
    broken[8] = 0x7b + 1; // corrupt the opening brace
    expect(() => decodeSafetensors(broken, 'f')).toThrow(/not valid UTF-8 JSON/);
  });

  it('refuses to encode inconsistent tensors', () => {
    expect(() => encodeSafetensors({ x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(
      /x: .*needs 12 bytes/,
    );
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [], data: new Float32Array(1) } })).toThrow(
      /reserved/,
    );
  });
});
