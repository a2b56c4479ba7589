import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError } from './dataset-error.ts';

/** A decoded image: RGB, 3 bytes per pixel, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  /** `width * height * 3` bytes, RGB interleaved. */
  data: Uint8Array;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * Decodes a PNG or JPEG (detected from its bytes, not its name) to 8-bit RGB with the pure-JS `pngjs` and
 * `jpeg-js`. Greyscale images are expanded to RGB; PNG alpha is dropped (not composited); 16-bit PNGs are scaled
 * to 8 bits by pngjs. JPEG decoding is strict: a truncated or corrupt file throws.
 *
 * @param bytes - the file contents.
 * @param name - file name for error messages.
 * @returns the RGB image.
 */
export function decodeImage(bytes: Uint8Array, name: string): DecodedImage {
  if (isPng(bytes)) {
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new DatasetError(
        'invalid-file',
        'bytes',
        `decodeImage: ${name} is not a valid PNG: ${(e as Error).message}`,
      );
    }
    const n = png.width * png.height;
    const data = new Uint8Array(n * 3);
    const src = png.data;
    for (let p = 0; p < n; p++) {
      data[3 * p] = src[4 * p]!;
      data[3 * p + 1] = src[4 * p + 1]!;
      data[3 * p + 2] = src[4 * p + 2]!;
    }
    return { width: png.width, height: png.height, data };
  }
  if (isJpeg(bytes)) {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
      if (img.data.length !== img.width * img.height * 3) throw new Error('unexpected decoded size');
      return { width: img.width, height: img.height, data: img.data };
    } catch (e) {
      throw new DatasetError(
        'invalid-file',
        'bytes',
        `decodeImage: ${name} is not a valid JPEG: ${(e as Error).message}`,
      );
    }
  }
  throw new DatasetError(
    'invalid-file',
    'bytes',
    `decodeImage: ${name} is neither a PNG nor a JPEG (first bytes ${[...bytes.subarray(0, 4)].join(',')})`,
  );
}
