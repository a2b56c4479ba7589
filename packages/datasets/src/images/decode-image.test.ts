import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.ts';

function png(w: number, h: number, f: (p: number, c: number) => number, colorType: 2 | 6 = 6): Buffer {
  const img = new PNG({ width: w, height: h, colorType });
  for (let p = 0; p < w * h; p++) for (let c = 0; c < 4; c++) img.data[p * 4 + c] = c === 3 ? 255 : f(p, c);
  return PNG.sync.write(img, { colorType });
}

describe('decodeImage', () => {
  it('decodes PNG to RGB bytes exactly', () => {
    const buf = png(5, 3, (p, c) => (p * 13 + c * 70) % 256);
    const d = decodeImage(buf, 'a.png');
    expect([d.width, d.height, d.data.length]).toEqual([5, 3, 45]);
    for (let p = 0; p < 15; p++) for (let c = 0; c < 3; c++) expect(d.data[p * 3 + c]).toBe((p * 13 + c * 70) % 256);
  });
  it('decodes JPEG close to the encoded pixels', () => {
    const w = 16;
    const rgba = Buffer.alloc(w * w * 4);
    for (let p = 0; p < w * w; p++) rgba.set([120, 60, 200, 255], p * 4);
    const enc = jpeg.encode({ data: rgba, width: w, height: w }, 95);
    const d = decodeImage(enc.data, 'a.jpg');
    expect([d.width, d.height]).toEqual([16, 16]);
    for (const [c, v] of [120, 60, 200].entries()) expect(Math.abs(d.data[c]! - v)).toBeLessThan(6);
  });
  it('names the file of a corrupt or unknown image', () => {
    const enc = jpeg.encode({ data: Buffer.alloc(16 * 16 * 4, 128), width: 16, height: 16 }, 90);
    expect(() => decodeImage(enc.data.subarray(0, 200), 'cut.jpg')).toThrow(/cut\.jpg is not a valid JPEG/);
    expect(() => decodeImage(png(4, 4, () => 1).subarray(0, 40), 'cut.png')).toThrow(/cut\.png is not a valid PNG/);
    expect(() => decodeImage(Buffer.from('hello world'), 'x.txt')).toThrow(/x\.txt is neither a PNG nor a JPEG/);
  });
});
