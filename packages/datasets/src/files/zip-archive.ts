import { existsSync, readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { DatasetError } from '../core/dataset-error.ts';
import { type FileTree, memoryFileTree } from './file-tree.ts';

/**
 * Reads a whole `.zip` archive (e.g. the official `tiny-imagenet-200.zip`) into memory as a {@link FileTree}
 * with the pure-JS `fflate`, without unpacking to disk. Memory use is about the unpacked size plus the zip.
 *
 * @param path - the archive.
 * @param filter - optional: keep only entries for which it returns true (others are not inflated).
 * @returns the tree.
 * @example
 * const tree = openZipArchive('tiny-imagenet-200.zip', (n) => !n.includes('/train/'));
 * const val = loadTinyImageNet(tree);
 */
export function openZipArchive(path: string, filter?: (name: string) => boolean): FileTree {
  if (!existsSync(path)) throw new DatasetError('invalid-file', 'path', `openZipArchive: archive not found: ${path}`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(readFileSync(path), { filter: (f) => !f.name.endsWith('/') && (!filter || filter(f.name)) });
  } catch (e) {
    throw new DatasetError('invalid-file', 'path', `openZipArchive: could not read ${path}: ${(e as Error).message}`);
  }
  return memoryFileTree(new Map(Object.entries(files)), path);
}
