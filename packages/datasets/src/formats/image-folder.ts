import { DatasetError } from '../core/dataset-error.ts';
import type { FileTree } from '../files/file-tree.ts';
import { openDirectory } from '../files/open-directory.ts';
import { type DecodeEntriesOptions, decodeEntries } from '../images/decode-entries.ts';
import type { ImageSet } from '../images/image-set.ts';

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
 * label = index of its class folder in `classNames`. Files sorted by path within each class. A class folder without
 * images (empty, or holding other files only) is refused, naming it, as is a class of `options.classNames` without
 * images; a folder whose name starts with `.` (`.git`, `.ipynb_checkpoints`) is not refused for that. On disk, symbolic links are followed inside the root
 * and refused outside it (see `openDirectory`).
 *
 * @param tree - a {@link FileTree} (folder or archive).
 * @param options - prefix, classNames, limitPerClass.
 * @returns class names and entries, grouped by class in label order.
 */
export function listImageFolder(tree: FileTree, options: ImageFolderOptions = {}): ImageFolderListing {
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = prefix === '' ? '' : `${prefix}/`;
  const byClass = new Map<string, string[]>();
  // Every folder that could be a class: a file listing shows those holding files; a tree that knows its folders (a
  // folder on disk) also shows empty ones.
  const folders = new Set<string>(tree.folders?.(prefix) ?? []);
  for (const path of tree.list(prefix)) {
    const rel = path.slice(base.length);
    const slash = rel.indexOf('/');
    if (slash <= 0) continue;
    const cls = rel.slice(0, slash);
    folders.add(cls);
    if (!isImage(rel)) continue;
    const list = byClass.get(cls);
    if (list) list.push(path);
    else byClass.set(cls, [path]);
  }
  if (byClass.size === 0) {
    throw new DatasetError(
      'invalid-file',
      'tree',
      `listImageFolder: no class folders with images under ${tree.description}/${prefix}`,
    );
  }
  const classNames = options.classNames ?? [...byClass.keys()].sort();
  for (const c of byClass.keys()) {
    if (!classNames.includes(c)) {
      throw new DatasetError(
        'invalid-option',
        'classNames',
        `listImageFolder: folder ${base}${c} of ${tree.description} is not in options.classNames`,
      );
    }
  }
  // An empty class is refused (as torchvision's ImageFolder does): dropped, it would shift the label of every later
  // class, and a split where it has images would disagree with this one.
  const empty = options.classNames
    ? classNames.filter((c) => !byClass.has(c))
    : [...folders].filter((c) => !byClass.has(c) && !c.startsWith('.')).sort();
  if (empty.length > 0) {
    throw new DatasetError(
      'invalid-file',
      'tree',
      `listImageFolder: class folder(s) ${empty.map((c) => `${base}${c}`).join(', ')} of ${tree.description} ` +
        `hold no images (${IMAGE_EXTENSIONS.join(', ')}); an empty class would shift the labels of the classes ` +
        'after it: add its images or delete the folder' +
        (options.classNames ? ' and its name from options.classNames' : ''),
    );
  }
  const limit = options.limitPerClass ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0))
    throw new DatasetError(
      'invalid-option',
      'limitPerClass',
      `listImageFolder: options.limitPerClass must be >= 0, got ${limit}`,
    );
  const entries: ImageFolderEntry[] = [];
  classNames.forEach((c, label) => {
    const files = (byClass.get(c) ?? []).sort();
    for (const path of files.slice(0, limit)) entries.push({ path, label });
  });
  return { classNames, entries };
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
