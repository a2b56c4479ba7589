import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` as pretty JSON to `path` atomically, with the same steps as `atomicWrite` of `@edl/models/node`
 * (kept here because `@edl/attacks` imports no other `@edl` package): a temporary file in the same folder, fsync,
 * rename, fsync of the folder, so readers never see a half-written report (e.g. a {@link RobustnessReport} or an
 * epsilon sweep) and the rename survives a crash. Node only.
 */
export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const handle = await open(dir, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch (err) {
    // Some file systems (and Windows) refuse fsync on a directory; the rename itself is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}
