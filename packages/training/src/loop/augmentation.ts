import { createRng, horizontalFlip, randomCrop, randomCutout } from '@edl/datasets';
import { checkNonNegative } from '../errors/checkers.ts';

/** Settings of {@link batchAugmentation} (paper Table 3's Cutout baseline and the usual CIFAR crop + flip). */
export interface AugmentationOptions {
  /** Random crop after zero padding by this many pixels (0: off; 4 for CIFAR). */
  crop?: number;
  /** Random horizontal flip with probability 1/2. */
  flip?: boolean;
  /** Cutout square side (0: off; 16 for CIFAR-10 in the Cutout paper). */
  cutout?: number;
}

/**
 * A seeded batch augmentation for {@link train}'s `augment` option, built on `@edl/datasets`' crop, flip and cutout.
 * Returns null when every option is off.
 */
export function batchAugmentation(
  options: AugmentationOptions,
): ((pixels: Float32Array, shape: [number, number, number, number], seed: number) => Float32Array) | null {
  const crop = options.crop ?? 0;
  const cutoutSize = options.cutout ?? 0;
  checkNonNegative('crop', crop);
  checkNonNegative('cutout', cutoutSize);
  if (crop === 0 && !options.flip && cutoutSize === 0) return null;
  return (pixels, [n, height, width, channels], seed) => {
    const rng = createRng(seed);
    const shape = { height, width, channels };
    const per = height * width * channels;
    const out = new Float32Array(pixels.length);
    for (let i = 0; i < n; i++) {
      const src = pixels.subarray(i * per, (i + 1) * per);
      const dst = out.subarray(i * per, (i + 1) * per);
      if (crop > 0) randomCrop(src, dst, shape, crop, rng);
      else dst.set(src);
      if (options.flip && rng.uniform() < 0.5) horizontalFlip(dst, shape);
      if (cutoutSize > 0) randomCutout(dst, shape, cutoutSize, rng);
    }
    return out;
  };
}
