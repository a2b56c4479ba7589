import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DatasetError } from '../core/dataset-error.ts';
import type { FileTree } from './file-tree.ts';
import { pathInsideRoot } from './tree-path.ts';

/**
 * Opens a folder on disk as a {@link FileTree}. Files are read on demand. A path that would leave `root` (absolute,
 * or climbing above it with `..`) is refused with an error naming it. Symbolic links (to files or folders) are
 * followed when they resolve inside `root`; one that resolves outside it is refused by the same rule as `..`, as is
 * a broken link or a folder link that loops back to a folder enclosing it (each named in the error).
 *
 * @param root - the folder.
 * @returns the tree.
 */
export function openDirectory(root: string): FileTree {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new DatasetError('invalid-file', 'root', `openDirectory: folder not found: ${root}`);
  const where = `openDirectory(${root})`;
  const realRoot = realpathSync(root);
  const inside = (real: string) =>
    real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  /** The real path of `rel` (links followed), or null when nothing is there; refused when it resolves outside. */
  const resolve = (rel: string): string | null => {
    let real: string;
    try {
      real = realpathSync(join(root, rel));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return null;
    }
    if (!inside(real)) {
      throw new DatasetError(
        'invalid-file',
        'path',
        `${where}: ${rel} is a symbolic link (or lies under one) to ${real}, outside the dataset root ${realRoot}; ` +
          "links are followed only inside the root, as paths with '..' are refused: move or copy the folder into " +
          'the root, or open the folder that holds both',
      );
    }
    return real;
  };
  const walk = (rel: string, out: string[], enclosing: readonly string[]): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      let isDirectory = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const real = resolve(p);
        if (real === null) {
          throw new DatasetError(
            'invalid-file',
            'path',
            `${where}: ${p} is a broken symbolic link (its target is gone)`,
          );
        }
        const stats = statSync(real);
        isDirectory = stats.isDirectory();
        isFile = stats.isFile();
        if (isDirectory && enclosing.includes(real)) {
          throw new DatasetError(
            'invalid-file',
            'path',
            `${where}: ${p} is a symbolic link to ${real}, a folder that encloses it (the listing would never end)`,
          );
        }
      }
      if (isDirectory) walk(p, out, [...enclosing, realpathSync(join(root, p))]);
      else if (isFile) out.push(p);
    }
  };
  /** The real path of a folder `prefix` inside the root, or null when there is none. */
  const folder = (prefix: string): string | null => {
    const clean = prefix.replace(/\/+$/, '');
    const rel = clean === '' ? '' : pathInsideRoot(clean, where);
    const real = rel === '' ? realRoot : resolve(rel);
    return real !== null && statSync(real).isDirectory() ? rel : null;
  };
  return {
    description: root,
    list(prefix = '') {
      const rel = folder(prefix);
      if (rel === null) return [];
      const out: string[] = [];
      walk(rel, out, [realpathSync(join(root, rel))]);
      return out.sort();
    },
    folders(prefix = '') {
      const rel = folder(prefix);
      if (rel === null) return [];
      const names: string[] = [];
      for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
        const p = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) names.push(e.name);
        else if (e.isSymbolicLink()) {
          const real = resolve(p);
          if (real !== null && statSync(real).isDirectory()) names.push(e.name);
        }
      }
      return names.sort();
    },
    has(path) {
      const real = resolve(pathInsideRoot(path, where));
      return real !== null && statSync(real).isFile();
    },
    read(path) {
      const real = resolve(pathInsideRoot(path, where));
      if (real === null) throw new DatasetError('invalid-file', 'path', `${root}: file not found: ${path}`);
      return readFileSync(real);
    },
  };
}
