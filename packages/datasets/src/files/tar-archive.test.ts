import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../formats/image-folder.ts';
import { writeTar } from '../testing/write-tar.ts';
import { openTarArchive } from './tar-archive.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-tar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function png(v: number): Buffer {
  const img = new PNG({ width: 2, height: 2 });
  img.data.fill(v);
  return PNG.sync.write(img);
}

describe('openTarArchive', () => {
  it('reads .tar and .tar.gz into a file tree usable by the image-folder loader', async () => {
    for (const gz of [false, true]) {
      const path = join(tmp, gz ? 'a.tar.gz' : 'a.tar');
      await writeTar(path, { './train/cat/0.png': png(7), 'train/dog/0.png': png(9), 'train/notes.txt': 'x' }, gz);
      const tree = await openTarArchive(path);
      expect(tree.list()).toEqual(['train/cat/0.png', 'train/dog/0.png', 'train/notes.txt']);
      const set = loadImageFolder(tree, { prefix: 'train' });
      expect(set.classNames).toEqual(['cat', 'dog']);
      expect([set.images[0], set.images[12]]).toEqual([7, 9]);
      expect(() => tree.read('nope')).toThrow(/file not found: nope/);
    }
  });
  it('names the archive when it is missing or corrupt', async () => {
    await expect(openTarArchive(join(tmp, 'missing.tar.gz'))).rejects.toThrow(/archive not found: .*missing\.tar\.gz/);
    const bad = join(tmp, 'bad.tar.gz');
    await writeTar(bad, { 'a/b.png': png(1) }, true);
    writeFileSync(bad, readFileSync(bad).subarray(0, 30));
    await expect(openTarArchive(bad)).rejects.toThrow(/could not read .*bad\.tar\.gz/);
  });
});
