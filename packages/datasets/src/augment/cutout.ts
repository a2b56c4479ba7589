import { checkPositiveInt } from '../core/checkers.ts';
import type { Rng } from '../core/rng.ts';
import { checkImage, type ImageArray, type ImageShape } from './image-shape.ts';

/**
 * Cutout (DeVries & Taylor 2017): sets to 0 every channel of the pixels in a `size`x`size` square centred at
 * (`centerY`, `centerX`) (rows `centerY - floor(size/2)` … `+ size - 1`), clipped to the image, in place.
 *
 * @param img - the image, modified.
 * @param shape - height, width, channels.
 * @param size - side of the square (> 0).
 * @param centerY - centre row (may be any integer; the square is clipped).
 * @param centerX - centre column.
 * @returns the number of pixels zeroed (the clipped area).
 */
export function cutout(img: ImageArray, shape: ImageShape, size: number, centerY: number, centerX: number): number {
  checkImage('cutout', img, shape);
  checkPositiveInt('size', size);
  const { height, width, channels: c } = shape;
  const y0 = Math.max(0, centerY - (size >> 1));
  const y1 = Math.min(height, centerY - (size >> 1) + size);
  const x0 = Math.max(0, centerX - (size >> 1));
  const x1 = Math.min(width, centerX - (size >> 1) + size);
  if (y1 <= y0 || x1 <= x0) return 0;
  for (let y = y0; y < y1; y++) img.fill(0, (y * width + x0) * c, (y * width + x1) * c);
  return (y1 - y0) * (x1 - x0);
}

/**
 * Cutout at a centre drawn uniformly over the image (the square may be partly outside, as in the original).
 *
 * @param img - the image, modified.
 * @param shape - height, width, channels.
 * @param size - side of the square (16 for CIFAR-10 in the Cutout paper).
 * @param rng - seeded random source.
 * @returns the number of pixels zeroed.
 */
export function randomCutout(img: ImageArray, shape: ImageShape, size: number, rng: Rng): number {
  return cutout(img, shape, size, rng.int(0, shape.height), rng.int(0, shape.width));
}
