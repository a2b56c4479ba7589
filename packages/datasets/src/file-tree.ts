import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A read-only tree of files addressed by `/`-separated relative paths: a folder on disk
 * ({@link openDirectory}) or an archive held in memory ({@link openTarArchive}). Loaders accept either.
 */
export interface FileTree {
  /** Where the files come from (a path), for error messages. */
  readonly description: string;
  /** All file paths (not folders) under `prefix` (`''` for all), sorted. */
  list(prefix?: string): string[];
  /** Whether a file exists at `path`. */
  has(path: string): boolean;
  /** The bytes of the file at `path`; throws naming the path when missing. */
  read(path: string): Uint8Array;
}

/**
 * Opens a folder on disk as a {@link FileTree}. Files are read on demand.
 *
 * @param root - the folder.
 * @returns the tree.
 */
export function openDirectory(root: string): FileTree {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`openDirectory: folder not found: ${root}`);
  const walk = (rel: string, out: string[]): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p, out);
      else if (e.isFile()) out.push(p);
    }
  };
  return {
    description: root,
    list(prefix = '') {
      const clean = prefix.replace(/\/+$/, '');
      if (clean !== '' && !existsSync(join(root, clean))) return [];
      const out: string[] = [];
      walk(clean, out);
      return out.sort();
    },
    has: (path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile(),
    read(path) {
      const full = join(root, path);
      if (!existsSync(full)) throw new Error(`${root}: file not found: ${path}`);
      return readFileSync(full);
    },
  };
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
      if (!b) throw new Error(`${description}: file not found: ${path}`);
      return b;
    },
  };
}
