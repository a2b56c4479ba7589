/**
 * Writes `data` as pretty JSON to `path` atomically: a temporary file in the same folder, then a rename, so readers
 * never see a half-written report. Node only (loads `node:fs` on demand).
 */
export async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  await fs.mkdir(nodePath.dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, 'utf8');
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
