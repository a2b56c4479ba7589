import { DatasetError } from '../core/dataset-error.ts';
import { type OnError, resolveOnError } from '../core/on-error.ts';
import type { FileTree } from '../files/file-tree.ts';
import { openDirectory } from '../files/open-directory.ts';
import { pathInsideRoot } from '../files/tree-path.ts';
import { decodeEntries } from '../images/decode-entries.ts';
import type { ImageSet } from '../images/image-set.ts';
import type { ImageFolderEntry } from './image-folder.ts';

/**
 * WordNet ids that some public copies of Tiny-ImageNet add to `wnids.txt` (gorilla, groom) but that are not part
 * of the official 200 classes; {@link loadTinyImageNet} drops them by default.
 */
export const TINY_IMAGENET_EXTRA_WNIDS: readonly string[] = ['n02480855', 'n10148035'];

/** Options of {@link loadTinyImageNet}. */
export interface TinyImageNetOptions {
  /** `'train'` (500 per class) or `'val'` (50 per class), default `'val'`. */
  split?: 'train' | 'val';
  /** Classes to leave out (their images are dropped). Default {@link TINY_IMAGENET_EXTRA_WNIDS}; `[]` keeps all. */
  excludeWnids?: readonly string[];
  /** Train only: keep at most this many images per class (first in sorted order). */
  limitPerClass?: number;
  /** Corrupt image, wrong size, annotation naming an unknown class: throw (default) or skip it. */
  onError?: OnError;
}

function findBase(tree: FileTree): string {
  for (const base of ['', 'tiny-imagenet-200/']) if (tree.has(`${base}wnids.txt`)) return base;
  throw new DatasetError(
    'invalid-file',
    'dir',
    `loadTinyImageNet: no wnids.txt in ${tree.description} or its tiny-imagenet-200/ folder. Put the official ` +
      `tiny-imagenet-200.zip contents there (or call downloadDataset('tiny-imagenet-200')).`,
  );
}

function lines(bytes: Uint8Array): string[] {
  return new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0);
}

/**
 * Loads Tiny-ImageNet-200 from its official folder layout (a folder, or a {@link FileTree} such as an opened
 * `.tar.gz`): `wnids.txt`, `train/<wnid>/images/*.JPEG`, `val/images/*.JPEG` + `val/val_annotations.txt`.
 * 64x64x3 uint8; greyscale JPEGs are expanded to RGB. Labels are the index of the wnid in `wnids.txt` after
 * removing `excludeWnids`; images of excluded classes are dropped.
 *
 * @param source - folder path (the one holding `wnids.txt`, or its parent) or a file tree.
 * @param options - split, excludeWnids, limitPerClass, onError.
 * @returns the image set; `classNames` are the wnids.
 */
export function loadTinyImageNet(source: string | FileTree, options: TinyImageNetOptions = {}): ImageSet {
  const tree = typeof source === 'string' ? openDirectory(source) : source;
  const onError = resolveOnError(options.onError);
  const split = options.split ?? 'val';
  if (split !== 'train' && split !== 'val')
    throw new DatasetError('invalid-option', 'split', `loadTinyImageNet: options.split must be 'train' or 'val'`);
  const base = findBase(tree);
  const exclude = new Set(options.excludeWnids ?? TINY_IMAGENET_EXTRA_WNIDS);
  const allWnids = lines(tree.read(`${base}wnids.txt`)).map((l) => l.trim());
  const wnids = allWnids.filter((w) => !exclude.has(w));
  const index = new Map(wnids.map((w, i) => [w, i]));
  const entries: ImageFolderEntry[] = [];
  if (split === 'val') {
    const annPath = `${base}val/val_annotations.txt`;
    if (!tree.has(annPath))
      throw new DatasetError('invalid-file', 'dir', `loadTinyImageNet: missing ${tree.description}/${annPath}`);
    for (const [i, line] of lines(tree.read(annPath)).entries()) {
      const [file, wnid] = line.split('\t');
      if (file === undefined || wnid === undefined) {
        throw new DatasetError(
          'invalid-file',
          'dir',
          `loadTinyImageNet: ${annPath} line ${i + 1} is not 'file<TAB>wnid…': ${line}`,
        );
      }
      if (exclude.has(wnid)) continue;
      const label = index.get(wnid);
      if (label === undefined) {
        if (onError === 'skip') continue;
        throw new DatasetError(
          'invalid-file',
          'dir',
          `loadTinyImageNet: ${annPath} line ${i + 1} (${file}) names ${wnid}, which is not in wnids.txt`,
        );
      }
      const inside = pathInsideRoot(`val/images/${file}`, `loadTinyImageNet: ${annPath} line ${i + 1}`);
      entries.push({ path: `${base}${inside}`, label });
    }
  } else {
    const limit = options.limitPerClass ?? Number.POSITIVE_INFINITY;
    wnids.forEach((w, label) => {
      const files = tree.list(`${base}train/${w}/images`).filter((p) => /\.jpe?g$/i.test(p));
      if (files.length === 0)
        throw new DatasetError(
          'invalid-file',
          'dir',
          `loadTinyImageNet: no images in ${tree.description}/${base}train/${w}/images`,
        );
      for (const path of files.slice(0, limit)) entries.push({ path, label });
    });
  }
  return decodeEntries(tree, entries, wnids.length, { channels: 3, height: 64, width: 64, onError, classNames: wnids });
}
