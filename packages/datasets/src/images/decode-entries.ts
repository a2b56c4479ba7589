import { DatasetError } from '../core/dataset-error.ts';
import { type OnError, resolveOnError } from '../core/on-error.ts';
import type { FileTree } from '../files/file-tree.ts';
import type { ImageFolderEntry } from '../formats/image-folder.ts';
import { decodeImage } from './decode-image.ts';
import { createImageSet, type ImageSet } from './image-set.ts';
import { toChannels } from './to-channels.ts';

/** Options of {@link decodeEntries}. */
export interface DecodeEntriesOptions {
  /** Output channels: 3 (RGB, default) or 1 (luma, ITU-R 601). */
  channels?: 1 | 3;
  /** Required image size; default: the size of the first image. No resizing is done. */
  height?: number;
  /** Required image width; default: the size of the first image. */
  width?: number;
  /** Corrupt image or wrong size: throw (default) or skip that file. */
  onError?: OnError;
  /** Class names attached to the result. */
  classNames?: readonly string[];
}

/**
 * Decodes a list of labelled image files of one tree into an {@link ImageSet}.
 *
 * @param tree - where the files are.
 * @param entries - files and labels.
 * @param numClasses - class count.
 * @param options - channels, size, onError, classNames.
 * @returns the set, in entry order (minus skipped files).
 */
export function decodeEntries(
  tree: FileTree,
  entries: readonly ImageFolderEntry[],
  numClasses: number,
  options: DecodeEntriesOptions = {},
): ImageSet {
  const onError = resolveOnError(options.onError);
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3)
    throw new DatasetError(
      'invalid-option',
      'channels',
      `decodeEntries: options.channels must be 1 or 3, got ${channels}`,
    );
  let height = options.height;
  let width = options.width;
  let images = new Uint8Array(0);
  const labels = new Int32Array(entries.length);
  let n = 0;
  for (const { path, label } of entries) {
    let rgb: ReturnType<typeof decodeImage>;
    try {
      rgb = decodeImage(tree.read(path), `${tree.description}/${path}`);
      if (height === undefined || width === undefined) {
        height = rgb.height;
        width = rgb.width;
      }
      if (rgb.height !== height || rgb.width !== width) {
        throw new DatasetError(
          'invalid-input',
          'tree',
          `decodeEntries: ${tree.description}/${path} is ${rgb.height}x${rgb.width}, expected ${height}x${width} (no resizing is done)`,
        );
      }
    } catch (e) {
      if (onError === 'skip') continue;
      throw e;
    }
    const per = height * width * channels;
    if (images.length === 0) images = new Uint8Array(entries.length * per);
    toChannels(rgb.data, channels, images, n * per);
    labels[n++] = label;
  }
  if (height === undefined || width === undefined)
    throw new DatasetError('invalid-input', 'tree', `decodeEntries: no image could be decoded`);
  const per = height * width * channels;
  const init = {
    images: images.length === n * per ? images : images.slice(0, n * per),
    labels: n === entries.length ? labels : labels.slice(0, n),
    height,
    width,
    channels,
    numClasses,
  };
  return createImageSet(options.classNames ? { ...init, classNames: options.classNames } : init);
}
