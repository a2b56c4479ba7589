import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { checkPositive } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /** Expected SHA-256 (hex). */
  sha256?: string;
  /** Expected MD5 (hex). */
  md5?: string;
  /** Called as bytes arrive, with bytes so far and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Give up when the whole download (response and body) takes longer than this many ms (default: no limit). */
  timeoutMs?: number;
  /**
   * Give up when no byte arrives for this many ms, waiting for the response or within the body (default
   * {@link DEFAULT_IDLE_TIMEOUT_MS}); a stalled server otherwise hangs for minutes.
   */
  idleTimeoutMs?: number;
}

/** Default {@link DownloadFileOptions.idleTimeoutMs}: 30 s without a byte. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** The cause of a failed fetch in words ("fetch failed (ECONNREFUSED)"), since undici hides it in `cause`. */
function describeFailure(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause && !e.message.includes(cause) ? `${e.message} (${cause})` : e.message;
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
 * server allows it (status 206; a 200 answer restarts from zero). The length the server announced (Content-Length)
 * and the checksum(s) are verified over the whole file before it is renamed to `dest`; on a checksum mismatch the
 * partial file is deleted and an Error is thrown. A server that sends nothing for `idleTimeoutMs` (default 30 s), or a
 * download longer than `timeoutMs`, is abandoned. Every error names the URL.
 *
 * @param url - http(s) URL.
 * @param dest - final path.
 * @param options - checksums and progress callback.
 * @returns `dest`.
 */
export async function downloadFile(url: string, dest: string, options: DownloadFileOptions = {}): Promise<string> {
  if (options.timeoutMs !== undefined) checkPositive('timeoutMs', options.timeoutMs);
  if (options.idleTimeoutMs !== undefined) checkPositive('idleTimeoutMs', options.idleTimeoutMs);
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const part = `${dest}.part`;
  const controller = new AbortController();
  let reason: string | undefined;
  const abort = (why: string) => {
    reason = why;
    controller.abort(new Error(why));
  };
  let idle = setTimeout(() => abort(`no data for ${idleMs} ms (idleTimeoutMs)`), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort(`no data for ${idleMs} ms (idleTimeoutMs)`), idleMs);
  };
  const total =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => abort(`not finished after ${options.timeoutMs} ms (timeoutMs)`), options.timeoutMs);
  try {
    await fetchInto(url, part, options, controller.signal, touch);
  } catch (error) {
    if (reason === undefined && (error as Error).message.startsWith('downloadFile:')) throw error;
    throw new DatasetError(
      'unsupported',
      'url',
      `downloadFile: ${url}: ${reason ?? describeFailure(error)}${existsSync(part) ? `; the partial file ${part} is kept to resume` : ''}`,
    );
  } finally {
    clearTimeout(idle);
    clearTimeout(total);
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

/** Fetches `url` into `part` (resuming it with a Range request), checking the length the server announced. */
async function fetchInto(
  url: string,
  part: string,
  options: DownloadFileOptions,
  signal: AbortSignal,
  touch: () => void,
): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, { signal, ...(have > 0 ? { headers: { Range: `bytes=${have}-` } } : {}) });
  touch();
  let received = 0;
  let append = false;
  if (res.status === 206 && have > 0) {
    append = true;
    received = have;
  } else if (res.status === 416 && have > 0) {
    append = true; // the partial file is already complete; the checksum decides
    received = have;
  } else if (!res.ok) {
    await res.body?.cancel();
    throw new DatasetError('unsupported', 'url', `downloadFile: ${url} answered HTTP ${res.status} ${res.statusText}`);
  }
  if (res.status === 416 || !res.body) return;
  const len = Number(res.headers.get('content-length') ?? Number.NaN);
  const expected = Number.isFinite(len) ? len + received : undefined;
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      touch();
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      received += chunk.length;
      options.onProgress?.(received, expected);
    }
  } finally {
    out.end();
    await finished(out);
  }
  if (expected !== undefined && received !== expected) {
    throw new DatasetError(
      'invalid-file',
      'url',
      `downloadFile: ${url}: the body ended after ${received} of ${expected} bytes (Content-Length); the partial file ${part} is kept to resume`,
    );
  }
}
