import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS, decodeImage } from './decode-image.ts';

function png(w: number, h: number): Buffer {
  const img = new PNG({ width: w, height: h });
  img.data.fill(200);
  return PNG.sync.write(img);
}

/** A small PNG whose header declares `w` x `h` pixels (the bomb: decoding would allocate w * h * 4 bytes). */
function declaring(w: number, h: number): Buffer {
  const b = Buffer.from(png(2, 2));
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
}

describe('image pixel limit', () => {
  it('refuses a PNG declaring 12000 x 12000 pixels before decoding it, naming the file and the limit', () => {
    const started = performance.now();
    expect(() => decodeImage(declaring(12000, 12000), 'bomb.png')).toThrow(
      /bomb\.png declares 12000x12000 pixels \(144000000\), more than maxPixels 100000000/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(DEFAULT_MAX_PIXELS).toBe(100_000_000);
  });

  it('maxPixels is an option, for PNG and JPEG alike', () => {
    expect(decodeImage(png(20, 20), 'ok.png', { maxPixels: 400 }).width).toBe(20);
    expect(() => decodeImage(png(20, 20), 'big.png', { maxPixels: 399 })).toThrow(/big\.png declares 20x20/);
    const enc = jpeg.encode({ data: Buffer.alloc(32 * 32 * 4, 90), width: 32, height: 32 }, 90).data;
    expect(decodeImage(enc, 'ok.jpg', { maxPixels: 1024 }).height).toBe(32);
    expect(() => decodeImage(enc, 'big.jpg', { maxPixels: 1000 })).toThrow(
      /big\.jpg is not a valid JPEG.*maxResolutionInMP/,
    );
    expect(() => decodeImage(enc, 'x.jpg', { maxPixels: 0 })).toThrow(/^maxPixels must be a finite number > 0, got 0$/);
    expect(() => decodeImage(enc, 'x.jpg', { maxPixels: 0 })).toThrow(
      expect.objectContaining({ name: 'DatasetError', code: 'invalid-option', option: 'maxPixels' }),
    );
    expect(() => decodeImage(png(20, 20), 'big.png', { maxPixels: 399 })).toThrow(
      expect.objectContaining({ name: 'DatasetError', code: 'invalid-input', option: 'maxPixels' }),
    );
  });
});
