import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileTree } from './file-tree.ts';

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
