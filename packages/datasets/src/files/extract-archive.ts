import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { DatasetError } from '../core/dataset-error.ts';
import { forEachTarEntry } from './tar-archive.ts';

function safeTarget(root: string, name: string, archive: string): string {
  const target = resolve(root, name);
  if (!target.startsWith(resolve(root) + sep)) {
    throw new DatasetError(
      'invalid-file',
      'archive',
      `extractArchive: ${archive} entry ${name} would be written outside the destination`,
    );
  }
  return target;
}

/**
 * Extracts a `.tar`, `.tar.gz` or `.zip` archive atomically: everything is written into a temporary sibling of
 * `destDir`, which is renamed to `destDir` only when extraction succeeded (and removed otherwise), so `destDir`
 * either holds the whole archive or does not exist.
 *
 * @param archive - the archive file.
 * @param destDir - the folder to create (must not exist yet).
 * @param kind - `'tar.gz'` (also plain tar) or `'zip'`.
 * @returns `destDir`.
 */
export async function extractArchive(archive: string, destDir: string, kind: 'tar.gz' | 'zip'): Promise<string> {
  if (existsSync(destDir))
    throw new DatasetError('invalid-option', 'destDir', `extractArchive: ${destDir} already exists`);
  const tmp = `${destDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  const write = (name: string, data: Uint8Array): void => {
    const target = safeTarget(tmp, name, archive);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  };
  try {
    if (kind === 'zip') {
      let files: Record<string, Uint8Array>;
      try {
        files = unzipSync(readFileSync(archive));
      } catch (e) {
        throw new DatasetError(
          'invalid-file',
          'archive',
          `extractArchive: ${archive} is not a readable zip archive: ${(e as Error).message}`,
        );
      }
      for (const [name, data] of Object.entries(files)) if (!name.endsWith('/')) write(name, data);
    } else if (kind === 'tar.gz') {
      await forEachTarEntry(archive, write);
    } else {
      throw new DatasetError(
        'invalid-option',
        'kind',
        `extractArchive: kind must be 'tar.gz' or 'zip', got ${String(kind)}`,
      );
    }
    renameSync(tmp, destDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const message = (e as Error).message;
    if (e instanceof DatasetError) throw e;
    // a read or decompression error of the archive itself (zlib, tar parsing, file system)
    throw new DatasetError(
      'invalid-file',
      'archive',
      message.includes(archive) ? message : `extractArchive: ${archive}: ${message}`,
    );
  }
  return join(destDir);
}
