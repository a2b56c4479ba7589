import { DatasetError } from '../core/dataset-error.ts';
/**
 * A read-only tree of files addressed by `/`-separated relative paths: a folder on disk
 * (`openDirectory` of `@edl/datasets/node`), an archive held in memory (`openTarArchive`, `openZipArchive`) or
 * files a page already holds ({@link memoryFileTree}). Loaders accept either.
 */
export interface FileTree {
  /** Where the files come from (a path), for error messages. */
  readonly description: string;
  /** All file paths (not folders) under `prefix` (`''` for all), sorted. */
  list(prefix?: string): string[];
  /**
   * The immediate sub-folders of `prefix` (`''` for the top), empty ones included, sorted; only trees that know their
   * folders have it (a folder on disk). Lets loaders refuse an empty class folder that a file listing cannot show.
   */
  folders?(prefix?: string): string[];
  /** Whether a file exists at `path`. */
  has(path: string): boolean;
  /** The bytes of the file at `path`; throws naming the path when missing. */
  read(path: string): Uint8Array;
}

/**
 * Builds a {@link FileTree} over files already in memory.
 *
 * @param files - map from `/`-separated path to contents.
 * @param description - name used in error messages.
 * @returns the tree.
 */
export function memoryFileTree(files: ReadonlyMap<string, Uint8Array>, description: string): FileTree {
  let sorted: string[] | undefined;
  return {
    description,
    list(prefix = '') {
      sorted ??= [...files.keys()].sort();
      const p = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
      return p === '' ? [...sorted] : sorted.filter((k) => k.startsWith(p));
    },
    has: (path) => files.has(path),
    read(path) {
      const b = files.get(path);
      if (!b) throw new DatasetError('invalid-file', 'path', `${description}: file not found: ${path}`);
      return b;
    },
  };
}
