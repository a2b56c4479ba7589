import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../formats/image-folder.ts';
import { openZipArchive } from './zip-archive.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function png(v: number): Uint8Array {
  const img = new PNG({ width: 3, height: 2 });
  img.data.fill(v);
  return PNG.sync.write(img);
}

describe('openZipArchive', () => {
  it('reads a zip into a file tree for the loaders, with an optional filter', () => {
    const path = join(tmp, 'a.zip');
    writeFileSync(path, zipSync({ 'root/b/0.png': png(5), 'root/a/0.png': png(3), 'root/a/1.png': png(4) }));
    const set = loadImageFolder(openZipArchive(path), { prefix: 'root' });
    expect(set.classNames).toEqual(['a', 'b']);
    expect([...set.labels]).toEqual([0, 0, 1]);
    expect([set.images[0], set.images[18], set.images[36]]).toEqual([3, 4, 5]);
    expect(openZipArchive(path, (n) => n.startsWith('root/a/')).list()).toEqual(['root/a/0.png', 'root/a/1.png']);
  });
  it('names a missing or corrupt archive', () => {
    expect(() => openZipArchive(join(tmp, 'none.zip'))).toThrow(/archive not found: .*none\.zip/);
    writeFileSync(join(tmp, 'bad.zip'), 'not a zip at all');
    expect(() => openZipArchive(join(tmp, 'bad.zip'))).toThrow(/could not read .*bad\.zip/);
  });
});
