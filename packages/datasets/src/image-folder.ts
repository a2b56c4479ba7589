import { decodeImage } from './decode-image.ts';
import { type FileTree, openDirectory } from './file-tree.ts';
import { createImageSet, type ImageSet } from './image-set.ts';
import { type OnError, resolveOnError } from './on-error.ts';
import { toChannels } from './to-channels.ts';

/** File name endings the image-folder loader treats as images (case-insensitive); other files are not images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Options of {@link listImageFolder} and {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Sub-folder of the tree holding the class folders, e.g. `'train'` (default: the root). */
  prefix?: string;
  /** Class names in label order. Default: the class folder names, sorted (torchvision's ImageFolder rule). */
  classNames?: readonly string[];
  /** Keep at most this many files per class (the first ones in sorted order). Default: all. */
  limitPerClass?: number;
}

/** One labelled file found by {@link listImageFolder}. */
export interface ImageFolderEntry {
  path: string;
  label: number;
}

/** What {@link listImageFolder} found. */
export interface ImageFolderListing {
  classNames: readonly string[];
  entries: ImageFolderEntry[];
}

function isImage(path: string): boolean {
  const lower = path.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/**
 * Lists the images of a `root/<class>/**\/*.png|jpg|jpeg` layout without decoding them: one entry per image file,
 * label = index of its class folder in `classNames`. Files sorted by path within each class.
 *
 * @param tree - a {@link FileTree} (folder or archive).
 * @param options - prefix, classNames, limitPerClass.
 * @returns class names and entries, grouped by class in label order.
 */
export function listImageFolder(tree: FileTree, options: ImageFolderOptions = {}): ImageFolderListing {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix === '' ? '' : `${prefix}/`;
  const byClass = new Map<string, string[]>();
  for (const path of tree.list(prefix)) {
    const rel = path.slice(base.length);
    const slash = rel.indexOf('/');
    if (slash <= 0 || !isImage(rel)) continue;
    const cls = rel.slice(0, slash);
    const list = byClass.get(cls);
    if (list) list.push(path);
    else byClass.set(cls, [path]);
  }
  if (byClass.size === 0) {
    throw new Error(`listImageFolder: no class folders with images under ${tree.description}/${prefix}`);
  }
  const classNames = options.classNames ?? [...byClass.keys()].sort();
  for (const c of byClass.keys()) {
    if (!classNames.includes(c)) {
      throw new Error(`listImageFolder: folder ${base}${c} of ${tree.description} is not in options.classNames`);
    }
  }
  const limit = options.limitPerClass ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new Error(`listImageFolder: options.limitPerClass must be >= 0, got ${limit}`);
  const entries: ImageFolderEntry[] = [];
  classNames.forEach((c, label) => {
    const files = (byClass.get(c) ?? []).sort();
    for (const path of files.slice(0, limit)) entries.push({ path, label });
  });
  return { classNames, entries };
}

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
  const onError = resolveOnError('decodeEntries', options.onError);
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3)
    throw new Error(`decodeEntries: options.channels must be 1 or 3, got ${channels}`);
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
        throw new Error(
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
  if (height === undefined || width === undefined) throw new Error(`decodeEntries: no image could be decoded`);
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

/**
 * Loads a generic image folder `root/<class>/*.png|jpg|jpeg` (a folder on disk or a {@link FileTree}, e.g. a
 * `.tar.gz` opened with {@link openTarArchive}) into an {@link ImageSet}. Labels follow `classNames` (default:
 * sorted folder names). All images must have the same size.
 *
 * @param source - folder path or file tree.
 * @param options - listing options plus channels, size and onError.
 * @returns the image set with class names.
 * @example
 * const train = loadImageFolder(await openTarArchive('cifar10-jpeg-60000.tar.gz'), { prefix: 'train' });
 */
export function loadImageFolder(
  source: string | FileTree,
  options: ImageFolderOptions & Omit<DecodeEntriesOptions, 'classNames'> = {},
): ImageSet {
  const tree = typeof source === 'string' ? openDirectory(source) : source;
  const { classNames, entries } = listImageFolder(tree, options);
  return decodeEntries(tree, entries, classNames.length, { ...options, classNames });
}
