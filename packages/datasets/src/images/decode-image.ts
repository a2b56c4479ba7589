import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { checkPositive } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';

/** A decoded image: RGB, 3 bytes per pixel, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  /** `width * height * 3` bytes, RGB interleaved. */
  data: Uint8Array;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /**
   * Largest image accepted, in pixels (default {@link DEFAULT_MAX_PIXELS}, jpeg-js's own 100 MP): a small PNG can
   * declare 12000 x 12000 pixels and take a minute and a gigabyte to decode. Checked from the header, before decoding.
   */
  maxPixels?: number;
}

/** Default {@link DecodeImageOptions.maxPixels}: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

function checkPixels(width: number, height: number, maxPixels: number, name: string): void {
  if (width * height > maxPixels) {
    throw new DatasetError(
      'invalid-input',
      'maxPixels',
      `decodeImage: ${name} declares ${width}x${height} pixels (${width * height}), more than maxPixels ${maxPixels}; ` +
        'pass a larger maxPixels if the image is meant to be this big',
    );
  }
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
 * @param options - maxPixels (default 100 MP), checked before decoding.
 * @returns the RGB image.
 */
export function decodeImage(bytes: Uint8Array, name: string, options: DecodeImageOptions = {}): DecodedImage {
  const maxPixels = checkPositive('maxPixels', options.maxPixels ?? DEFAULT_MAX_PIXELS);
  if (isPng(bytes)) {
    if (bytes.length >= 24) {
      // IHDR is the first chunk: width and height, big-endian, at bytes 16 and 20
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      checkPixels(view.getUint32(16), view.getUint32(20), maxPixels, name);
    }
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
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        tolerantDecoding: false,
        maxResolutionInMP: maxPixels / 1e6,
      });
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
