import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

/** Test helper: writes a `.tar` (or `.tar.gz` when `gzip`) holding the given files. */
export async function writeTar(path: string, files: Record<string, Uint8Array | string>, gzip: boolean): Promise<void> {
  const p = pack();
  for (const [name, data] of Object.entries(files))
    p.entry({ name }, typeof data === 'string' ? data : Buffer.from(data));
  p.finalize();
  if (gzip) await pipeline(p, createGzip(), createWriteStream(path));
  else await pipeline(p, createWriteStream(path));
}
