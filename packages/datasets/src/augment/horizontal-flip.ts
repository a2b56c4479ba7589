import { checkImage, type ImageArray, type ImageShape } from './image-shape.ts';

/**
 * Mirrors one HWC image left-right, in place (`out[y][x] = in[y][W - 1 - x]`). Applying it twice is the identity.
 *
 * @param img - the image, modified.
 * @param shape - its height, width and channels.
 * @returns `img`.
 */
export function horizontalFlip<T extends ImageArray>(img: T, shape: ImageShape): T {
  checkImage('horizontalFlip', img, shape);
  const { height, width, channels: c } = shape;
  for (let y = 0; y < height; y++) {
    const row = y * width * c;
    for (let x = 0; x < width >> 1; x++) {
      const a = row + x * c;
      const b = row + (width - 1 - x) * c;
      for (let k = 0; k < c; k++) {
        const t = img[a + k]!;
        img[a + k] = img[b + k]!;
        img[b + k] = t;
      }
    }
  }
  return img;
}
