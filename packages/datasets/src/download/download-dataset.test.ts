import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../files/extract-archive.ts';
import { writeTar } from '../testing/write-tar.ts';
import type { DatasetSource } from './dataset-sources.ts';
import { downloadDataset, locateDataset } from './download-dataset.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-dl-'));
const files: Record<string, Buffer> = {};
const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let server: Server;
let base = '';
let honourRange = true;

beforeAll(async () => {
  const payload = randomBytes(50_000); // incompressible, so the archive is ~50 kB
  await writeTar(join(tmp, 'src.tar.gz'), { 'set/data.bin': payload, 'set/README': 'hello' }, true);
  files['/set.tar.gz'] = readFileSync(join(tmp, 'src.tar.gz'));
  files['/set.zip'] = Buffer.from(
    zipSync({ 'set/data.bin': payload, 'set/README': new TextEncoder().encode('hello') }),
  );
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && honourRange) {
      const start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
function source(over: Partial<DatasetSource> = {}): DatasetSource {
  const body = files['/set.tar.gz']!;
  return {
    name: 'toy',
    url: `${base}/set.tar.gz`,
    sha256: sha(body),
    md5: md5(body),
    archive: 'tar.gz',
    folder: 'set',
    ...over,
  };
}
let cacheN = 0;
const freshCache = () => join(tmp, `cache-${cacheN++}`);

describe('downloadDataset (local HTTP server on 127.0.0.1)', () => {
  it('downloads, verifies, extracts, and then reuses the cache without a request', async () => {
    const cacheDir = freshCache();
    expect(() => locateDataset(source(), { cacheDir })).toThrow(/toy is not in .*Download http.*set\.tar\.gz yourself/);
    const dir = await downloadDataset(source(), { cacheDir });
    expect(dir).toBe(join(cacheDir, 'toy', 'set'));
    expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('hello');
    expect(readFileSync(join(dir, 'data.bin')).length).toBe(50_000);
    expect(readdirSync(cacheDir)).toEqual(['toy']); // archive removed, no temp folders
    const n = requests.length;
    expect(await downloadDataset(source(), { cacheDir })).toBe(dir);
    expect(requests.length).toBe(n);
    expect(locateDataset(source(), { cacheDir })).toBe(dir);
  });
  it('on checksum mismatch throws and leaves nothing in the cache', async () => {
    const cacheDir = freshCache();
    await expect(downloadDataset(source({ sha256: '0'.repeat(64) }), { cacheDir })).rejects.toThrow(
      /sha256 mismatch.*expected 0{64}.*Download .* yourself and extract it into/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
    await expect(downloadDataset(source({ sha256: undefined, md5: 'f'.repeat(32) }), { cacheDir })).rejects.toThrow(
      /md5 mismatch/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });
  it('resumes a partial download with an HTTP Range request', async () => {
    const cacheDir = freshCache();
    mkdirSync(cacheDir, { recursive: true });
    const body = files['/set.tar.gz']!;
    expect(body.length).toBeGreaterThan(40_000);
    writeFileSync(join(cacheDir, 'toy.tar.gz.part'), body.subarray(0, 1000));
    const progress: number[] = [];
    const n = requests.length;
    const dir = await downloadDataset(source(), { cacheDir, onProgress: (r) => progress.push(r) });
    expect(requests.slice(n).map((r) => r.headers.range)).toEqual(['bytes=1000-']);
    expect(progress[0]).toBeGreaterThan(1000);
    expect(progress.at(-1)).toBe(body.length);
    expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('hello');
  });
  it('restarts from zero when the server ignores Range', async () => {
    honourRange = false;
    try {
      const cacheDir = freshCache();
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(join(cacheDir, 'toy.tar.gz.part'), Buffer.alloc(700, 1)); // junk that must not be kept
      const dir = await downloadDataset(source(), { cacheDir });
      expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('hello');
    } finally {
      honourRange = true;
    }
  });
  it('extracts zip archives and fails clearly when the server is unreachable or the file is missing', async () => {
    const zip = files['/set.zip']!;
    const cacheDir = freshCache();
    const dir = await downloadDataset(
      { name: 'toyzip', url: `${base}/set.zip`, sha256: sha(zip), archive: 'zip', folder: 'set' },
      { cacheDir },
    );
    expect(readFileSync(join(dir, 'data.bin')).length).toBe(50_000);
    await expect(
      downloadDataset(source({ url: `${base}/missing.tar.gz` }), { cacheDir: freshCache() }),
    ).rejects.toThrow(/HTTP 404.*Download .*missing\.tar\.gz yourself/);
    await expect(
      downloadDataset(source({ url: 'http://127.0.0.1:1/x.tar.gz' }), { cacheDir: freshCache() }),
    ).rejects.toThrow(/could not download toy/);
    await expect(downloadDataset(source({ folder: 'other' }), { cacheDir: freshCache() })).rejects.toThrow(
      /does not contain the folder other/,
    );
  });
  it('refuses unknown names', () => {
    expect(() => locateDataset('cifar-11' as 'cifar-10-binary')).toThrow(/unknown name 'cifar-11'/);
  });
});

describe('extractArchive', () => {
  it('rejects entries that escape the destination and leaves nothing behind', async () => {
    const evil = join(tmp, 'evil.tar');
    await writeTar(evil, { 'ok.txt': 'a', '../escape.txt': 'b' }, false);
    const dest = join(tmp, 'evil-out');
    await expect(extractArchive(evil, dest, 'tar.gz')).rejects.toThrow(/would be written outside the destination/);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('evil-out'))).toEqual([]);
    expect(existsSync(join(tmp, 'escape.txt'))).toBe(false);
  });
});
