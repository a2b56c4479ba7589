import { DatasetError } from '../core/dataset-error.ts';
import { createImageSet, type ImageSet } from './image-set.ts';

/**
 * Concatenates image sets of the same shape and class count, in order.
 *
 * @param sets - at least one set; all must share height, width, channels and numClasses.
 * @returns one set holding all images (class names taken from the first set).
 */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  const first = sets[0];
  if (!first)
    throw new DatasetError('invalid-option', 'sets', 'concatImageSets: sets must hold at least one image set');
  if (sets.length === 1) return first;
  let count = 0;
  for (const [i, s] of sets.entries()) {
    if (s.height !== first.height || s.width !== first.width || s.channels !== first.channels) {
      throw new DatasetError(
        'invalid-input',
        'sets',
        `concatImageSets: sets[${i}] is ${s.height}x${s.width}x${s.channels}, expected ${first.height}x${first.width}x${first.channels}`,
      );
    }
    if (s.numClasses !== first.numClasses) {
      throw new DatasetError(
        'invalid-input',
        'sets',
        `concatImageSets: sets[${i}] has ${s.numClasses} classes, expected ${first.numClasses}`,
      );
    }
    count += s.count;
  }
  const perImage = first.height * first.width * first.channels;
  const images = new Uint8Array(count * perImage);
  const labels = new Int32Array(count);
  let n = 0;
  for (const s of sets) {
    images.set(s.images, n * perImage);
    labels.set(s.labels, n);
    n += s.count;
  }
  const init = { images, labels, height: first.height, width: first.width, channels: first.channels };
  const rest = { numClasses: first.numClasses };
  return createImageSet(first.classNames ? { ...init, ...rest, classNames: first.classNames } : { ...init, ...rest });
}
