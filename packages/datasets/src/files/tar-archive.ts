import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { DatasetError } from '../core/dataset-error.ts';
import { type FileTree, memoryFileTree } from './file-tree.ts';

/**
 * Calls `onFile` for every regular file of a `.tar` or `.tar.gz` archive (gzip detected by its magic bytes),
 * streaming, in archive order.
 *
 * @param path - the archive.
 * @param onFile - receives the entry path (leading `./` removed) and its bytes.
 */
export async function forEachTarEntry(
  path: string,
  onFile: (name: string, data: Buffer) => void | Promise<void>,
): Promise<void> {
  if (!existsSync(path)) throw new DatasetError('invalid-file', 'path', `forEachTarEntry: archive not found: ${path}`);
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(path, { start: 0, end: 1 })
      .on('data', (c) => chunks.push(c as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  const ex = extract();
  const file = createReadStream(path);
  const source: Readable = gz ? file.pipe(createGunzip()) : file;
  source.on('error', (e) =>
    ex.destroy(new DatasetError('invalid-file', 'path', `forEachTarEntry: ${path}: ${e.message}`)),
  );
  source.pipe(ex);
  try {
    for await (const entry of ex) {
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
      await onFile(name, Buffer.concat(chunks));
    }
  } catch (e) {
    throw new DatasetError('invalid-file', 'path', `forEachTarEntry: could not read ${path}: ${(e as Error).message}`);
  } finally {
    file.destroy();
  }
}

/**
 * Reads a whole `.tar` / `.tar.gz` archive into memory as a {@link FileTree}, without unpacking to disk.
 * The 60,000-image CIFAR-10 JPEG tarball (19.8 MB gz) takes about 60 MB.
 *
 * @param path - the archive.
 * @param filter - optional: keep only entries for which it returns true.
 * @returns the tree.
 * @example
 * const tree = await openTarArchive('cifar10-jpeg-60000.tar.gz');
 * const train = await loadImageFolder(tree, { prefix: 'train' });
 */
export async function openTarArchive(path: string, filter?: (name: string) => boolean): Promise<FileTree> {
  const files = new Map<string, Uint8Array>();
  await forEachTarEntry(path, (name, data) => {
    if (!filter || filter(name)) files.set(name, data);
  });
  return memoryFileTree(files, path);
}
