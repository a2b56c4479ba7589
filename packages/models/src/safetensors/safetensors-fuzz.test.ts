import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode-safetensors.ts';
import { encodeSafetensors } from './encode-safetensors.ts';

const SOURCE = 'fuzz.safetensors';

/** Decodes `bytes`; any failure must be an Error that names the source (never a bare TypeError / RangeError). */
function decodeOrNamedError(bytes: Uint8Array): void {
  try {
    decodeSafetensors(bytes, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.startsWith(`${SOURCE}: `)).toBe(true);
  }
}

const tensorArb = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 3 })
  .chain((shape) =>
    fc
      .float32Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })
      .map((data) => ({ dtype: 'F32' as const, shape, data })),
  );
const fileArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tensorArb, { maxKeys: 4 });

describe('safetensors reader under fuzzing (fast-check)', () => {
  it('round-trips random F32 tensors exactly', () => {
    fc.assert(
      fc.property(fileArb, (tensors) => {
        const back = decodeSafetensors(encodeSafetensors(tensors), SOURCE).tensors;
        expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, t] of Object.entries(tensors)) {
          expect(back[name]!.shape).toEqual(t.shape);
          expect(Array.from(back[name]!.data as Float32Array)).toEqual(Array.from(t.data));
        }
      }),
      { numRuns: 100, seed: 1 },
    );
  });

  it('refuses damaged files (bytes overwritten, truncated, extended) with an error naming the file', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 16 }),
        (tensors, edits, cut, tail) => {
          const bytes = encodeSafetensors(tensors).slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          decodeOrNamedError(bytes);
          decodeOrNamedError(bytes.subarray(0, cut % (bytes.length + 1)));
          decodeOrNamedError(new Uint8Array([...bytes, ...tail]));
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  it('refuses arbitrary bytes and arbitrary JSON headers with an error naming the file', () => {
    const withHeader = (header: string) => {
      const json = new TextEncoder().encode(header);
      const out = new Uint8Array(8 + json.length + 8);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.json(), (bytes, header) => {
        decodeOrNamedError(bytes);
        decodeOrNamedError(withHeader(header));
        decodeOrNamedError(withHeader(JSON.stringify({ t: JSON.parse(header) })));
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
