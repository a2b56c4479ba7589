import { DatasetError } from '../core/dataset-error.ts';
import type { ImageSet } from './image-set.ts';

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/**
 * Computes per-channel mean and (population) standard deviation of an image set, on the [0, 1] scale, for the
 * `normalize` batch option or a normalisation layer inside the model.
 *
 * @param set - the images.
 * @returns mean and std per channel.
 */
export function computeChannelStats(set: ImageSet): ChannelStats {
  const c = set.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  const { images } = set;
  for (let k = 0; k < images.length; k++) {
    const v = images[k]! / 255;
    sum[k % c]! += v;
    sq[k % c]! += v * v;
  }
  const n = images.length / c;
  if (n === 0) throw new DatasetError('invalid-input', 'set', 'computeChannelStats: the image set is empty');
  const mean = [...sum].map((s) => s / n);
  const std = [...sq].map((s, i) => Math.sqrt(Math.max(0, s / n - mean[i]! ** 2)));
  return { mean, std };
}
