import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { DatasetError } from './dataset-error.ts';

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /** Expected SHA-256 (hex). */
  sha256?: string;
  /** Expected MD5 (hex). */
  md5?: string;
  /** Called as bytes arrive, with bytes so far and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/**
 * Hex digest of a file.
 *
 * @param path - the file.
 * @param algorithm - `'sha256'` or `'md5'`.
 * @returns lowercase hex.
 */
export async function hashFile(path: string, algorithm: 'sha256' | 'md5'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Downloads `url` to `dest` through `dest + '.part'`, resuming a partial file with an HTTP Range request when the
 * server allows it (status 206; a 200 answer restarts from zero). The checksum(s) are verified over the whole file
 * before it is renamed to `dest`; on mismatch the partial file is deleted and an Error is thrown.
 *
 * @param url - http(s) URL.
 * @param dest - final path.
 * @param options - checksums and progress callback.
 * @returns `dest`.
 */
export async function downloadFile(url: string, dest: string, options: DownloadFileOptions = {}): Promise<string> {
  const part = `${dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
  let received = 0;
  let append = false;
  if (res.status === 206 && have > 0) {
    append = true;
    received = have;
  } else if (res.status === 416 && have > 0) {
    append = true; // the partial file is already complete; the checksum decides
    received = have;
  } else if (!res.ok) {
    throw new DatasetError('invalid-file', 'url', `downloadFile: ${url} answered HTTP ${res.status} ${res.statusText}`);
  }
  if (res.status !== 416 && res.body) {
    const len = Number(res.headers.get('content-length') ?? Number.NaN);
    const total = Number.isFinite(len) ? len + received : undefined;
    const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        received += chunk.length;
        options.onProgress?.(received, total);
      }
    } finally {
      out.end();
      await finished(out);
    }
  }
  for (const algo of ['sha256', 'md5'] as const) {
    const want = options[algo]?.toLowerCase();
    if (!want) continue;
    const got = await hashFile(part, algo);
    if (got !== want) {
      rmSync(part, { force: true });
      throw new DatasetError(
        'invalid-file',
        'url',
        `downloadFile: ${algo} mismatch for ${url}: expected ${want}, got ${got}; the download was deleted`,
      );
    }
  }
  renameSync(part, dest);
  return dest;
}
