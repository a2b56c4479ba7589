import { checkNonNegativeInt } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';
import type { Rng } from '../core/rng.ts';
import { checkImage, type ImageArray, type ImageShape } from './image-shape.ts';

/**
 * Zero-pads one HWC image by `padding` pixels on every side and crops the original size back out at
 * (`offsetY`, `offsetX`) of the padded image: `out[y][x] = in[y + offsetY - padding][x + offsetX - padding]`, or 0
 * outside the image. Offsets `(padding, padding)` give the identity.
 *
 * @param src - the source image (not modified).
 * @param dst - destination of the same size (must not be `src`).
 * @param shape - height, width, channels.
 * @param padding - padding in pixels (>= 0).
 * @param offsetY - crop row in the padded image, 0..2·padding.
 * @param offsetX - crop column in the padded image, 0..2·padding.
 * @returns `dst`.
 */
export function cropWithPadding<T extends ImageArray>(
  src: ImageArray,
  dst: T,
  shape: ImageShape,
  padding: number,
  offsetY: number,
  offsetX: number,
): T {
  checkImage('cropWithPadding', src, shape);
  checkImage('cropWithPadding', dst, shape);
  if (src === dst)
    throw new DatasetError('invalid-option', 'dst', 'cropWithPadding: dst must be a different array from src');
  checkNonNegativeInt('padding', padding);
  for (const [k, v] of [
    ['offsetY', offsetY],
    ['offsetX', offsetX],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 2 * padding) {
      throw new DatasetError(
        'invalid-option',
        k,
        `cropWithPadding: ${k} must be an integer in [0, ${2 * padding}], got ${v}`,
      );
    }
  }
  const { height, width, channels: c } = shape;
  const dy = offsetY - padding;
  const dx = offsetX - padding;
  for (let y = 0; y < height; y++) {
    const sy = y + dy;
    const rowOut = y * width * c;
    if (sy < 0 || sy >= height) {
      dst.fill(0, rowOut, rowOut + width * c);
      continue;
    }
    const x0 = Math.max(0, -dx);
    const x1 = Math.min(width, width - dx);
    dst.fill(0, rowOut, rowOut + x0 * c);
    dst.set(src.subarray((sy * width + x0 + dx) * c, (sy * width + x1 + dx) * c), rowOut + x0 * c);
    dst.fill(0, rowOut + x1 * c, rowOut + width * c);
  }
  return dst;
}

/**
 * Random crop with zero padding (the standard CIFAR augmentation, paper Table 3): offsets drawn uniformly from
 * 0..2·padding in each direction.
 *
 * @param src - source image.
 * @param dst - destination of the same size.
 * @param shape - height, width, channels.
 * @param padding - padding in pixels (4 for CIFAR).
 * @param rng - seeded random source.
 * @returns `dst`.
 */
export function randomCrop<T extends ImageArray>(
  src: ImageArray,
  dst: T,
  shape: ImageShape,
  padding: number,
  rng: Rng,
): T {
  return cropWithPadding(src, dst, shape, padding, rng.int(0, 2 * padding + 1), rng.int(0, 2 * padding + 1));
}
