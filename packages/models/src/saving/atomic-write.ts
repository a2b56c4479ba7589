import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// The one atomic writer of the @edl packages that may import @edl/models (training uses it; @edl/attacks, which
// imports no @edl package, keeps writeJsonAtomic with the same steps). Steps: write a temporary file in the same
// directory, fsync it, rename it over `path`, fsync the directory: a reader (or a crash) sees either the old file
// or the complete new one, never a partial one, and the rename itself survives a power loss.

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether a failed directory fsync is the platform refusing it (some file systems, Windows): then only skip it. */
function fsyncRefused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EINVAL' || code === 'EPERM' || code === 'EBADF';
}

/**
 * Writes `data` to `path` atomically (temporary file, fsync, rename, fsync of the directory). Node only.
 *
 * @example
 * await atomicWrite('out/report.json', JSON.stringify(report));
 */
export async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPath(path);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  let dir: Awaited<ReturnType<typeof open>> | undefined;
  try {
    dir = await open(dirname(path), 'r');
    await dir.sync();
  } catch (error) {
    if (!fsyncRefused(error)) throw error;
  } finally {
    await dir?.close();
  }
}

/** {@link atomicWrite}, synchronously (for callers that must not yield between writes). Node only. */
export function atomicWriteSync(path: string, data: Uint8Array | string): void {
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  let dir: number | undefined;
  try {
    dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
  } catch (error) {
    if (!fsyncRefused(error)) throw error;
  } finally {
    if (dir !== undefined) closeSync(dir);
  }
}
