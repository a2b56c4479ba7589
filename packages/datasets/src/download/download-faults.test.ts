import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTar } from '../testing/write-tar.ts';
import { downloadDataset } from './download-dataset.ts';
import { downloadFile } from './download-file.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-dlfault-'));
let server: Server;
let base = '';
let archive: Buffer;
let truncate = true;
const hits: Record<string, number> = {};
const open: ServerResponse[] = [];

beforeAll(async () => {
  const payload = Buffer.alloc(40_000, 7);
  await writeTar(join(tmp, 'a.tar.gz'), { 'set/data.bin': payload }, true);
  archive = readFileSync(join(tmp, 'a.tar.gz'));
  server = createServer((req, res) => {
    const url = req.url ?? '';
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === '/stall') {
      open.push(res); // never answers
    } else if (url === '/stall-body') {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100));
      open.push(res); // headers and 100 bytes, then silence
    } else if (url === '/trickle') {
      res.writeHead(200, { 'content-length': 100 });
      const timer = setInterval(() => res.write(Buffer.alloc(1)), 20);
      res.on('close', () => clearInterval(timer));
    } else if (url === '/short') {
      res.writeHead(200, { 'content-length': 1000 });
      res.end(Buffer.alloc(10)); // fewer bytes than announced
      res.socket?.destroy();
    } else if (url === '/set.tar.gz') {
      // no Content-Length (chunked), and cut short while `truncate` is set
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(truncate ? archive.subarray(0, archive.length >> 1) : archive);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('downloads: timeouts, URLs in errors, nothing damaged kept', () => {
  it('a server that never answers is abandoned after idleTimeoutMs, the URL named', async () => {
    const started = performance.now();
    await expect(downloadFile(`${base}/stall`, join(tmp, 'x'), { idleTimeoutMs: 200 })).rejects.toThrow(
      new RegExp(`downloadFile: ${base}/stall: no data for 200 ms \\(idleTimeoutMs\\)`),
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a body that stalls is abandoned too, and the partial file is kept to resume', async () => {
    const dest = join(tmp, 'body');
    await expect(downloadFile(`${base}/stall-body`, dest, { idleTimeoutMs: 200 })).rejects.toThrow(
      /stall-body: no data for 200 ms \(idleTimeoutMs\); the partial file .*body\.part is kept/,
    );
  });

  it('timeoutMs bounds a download that trickles', async () => {
    await expect(
      downloadFile(`${base}/trickle`, join(tmp, 't'), { timeoutMs: 300, idleTimeoutMs: 5000 }),
    ).rejects.toThrow(/trickle: not finished after 300 ms \(timeoutMs\)/);
  });

  it('a body shorter than its Content-Length is not renamed to the final name', async () => {
    const dest = join(tmp, 'short');
    await expect(downloadFile(`${base}/short`, dest, { idleTimeoutMs: 2000 })).rejects.toThrow(/short: /);
    expect(() => readFileSync(dest)).toThrow(/ENOENT/);
  });

  it('an unreachable server and bad options are named', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(downloadFile(`http://127.0.0.1:${port}/x`, join(tmp, 'u'))).rejects.toThrow(
      new RegExp(`downloadFile: http://127\\.0\\.0\\.1:${port}/x: fetch failed \\(ECONNREFUSED\\)`),
    );
    await expect(downloadFile(`${base}/x`, join(tmp, 'v'), { timeoutMs: 0 })).rejects.toThrow(
      /^timeoutMs must be a finite number > 0, got 0$/,
    );
    // DatasetErrors with a code (plain Errors before)
    await expect(downloadFile(`http://127.0.0.1:${port}/x`, join(tmp, 'u'))).rejects.toThrow(
      expect.objectContaining({ name: 'DatasetError', code: 'unsupported', option: 'url' }),
    );
    await expect(downloadFile(`${base}/x`, join(tmp, 'v'), { timeoutMs: 0 })).rejects.toThrow(
      expect.objectContaining({ name: 'DatasetError', code: 'invalid-option', option: 'timeoutMs' }),
    );
  });

  it('a truncated archive without Content-Length or checksum is deleted, and the next call downloads again', async () => {
    const cacheDir = join(tmp, 'cache');
    const source = { name: 'toy', url: `${base}/set.tar.gz`, archive: 'tar.gz' as const, folder: 'set' };
    truncate = true;
    await expect(downloadDataset(source, { cacheDir })).rejects.toThrow(
      /the archive .*toy\.tar\.gz from .*set\.tar\.gz is damaged .*deleted, so the next call downloads it again/,
    );
    truncate = false;
    const before = hits['/set.tar.gz'] ?? 0;
    const dir = await downloadDataset(source, { cacheDir });
    expect(hits['/set.tar.gz']).toBe(before + 1);
    expect(readFileSync(join(dir, 'data.bin')).length).toBe(40_000);
  });
});
