import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../core/dataset-error.ts';
import type { FileTree } from './file-tree.ts';
import { pathInsideRoot } from './tree-path.ts';

/**
 * Opens a folder on disk as a {@link FileTree}. Files are read on demand. A path that would leave `root` (absolute,
 * or climbing above it with `..`) is refused with an error naming it.
 *
 * @param root - the folder.
 * @returns the tree.
 */
export function openDirectory(root: string): FileTree {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new DatasetError('invalid-file', 'root', `openDirectory: folder not found: ${root}`);
  const walk = (rel: string, out: string[]): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p, out);
      else if (e.isFile()) out.push(p);
    }
  };
  const where = `openDirectory(${root})`;
  return {
    description: root,
    list(prefix = '') {
      const clean = prefix.replace(/\/+$/, '');
      const rel = clean === '' ? '' : pathInsideRoot(clean, where);
      if (rel !== '' && !existsSync(join(root, rel))) return [];
      const out: string[] = [];
      walk(rel, out);
      return out.sort();
    },
    has(path) {
      const full = join(root, pathInsideRoot(path, where));
      return existsSync(full) && statSync(full).isFile();
    },
    read(path) {
      const full = join(root, pathInsideRoot(path, where));
      if (!existsSync(full)) throw new DatasetError('invalid-file', 'path', `${root}: file not found: ${path}`);
      return readFileSync(full);
    },
  };
}
