import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDirectory } from '../files/open-directory.ts';
import { listImageFolder, loadImageFolder } from './image-folder.ts';

function png(w: number, h: number, value: number): Buffer {
  const img = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) img.data.set([value, (value + 1) % 256, (value + 2) % 256, 255], p * 4);
  return PNG.sync.write(img);
}

const root = mkdtempSync(join(tmpdir(), 'edl-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function makeTree(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(root, name);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  }
  return dir;
}

describe('loadImageFolder', () => {
  it('labels classes by sorted folder name and ignores non-image files', () => {
    const dir = makeTree('ok', {
      'zebra/1.png': png(4, 4, 10),
      'zebra/0.PNG': png(4, 4, 20),
      'apple/a.png': png(4, 4, 30),
      'apple/.DS_Store': 'junk',
      'README.txt': 'not an image',
    });
    const set = loadImageFolder(dir);
    expect(set.classNames).toEqual(['apple', 'zebra']);
    expect([...set.labels]).toEqual([0, 1, 1]);
    expect([set.count, set.height, set.width, set.channels]).toEqual([3, 4, 4, 3]);
    // order within a class: sorted paths ('zebra/0.PNG' < 'zebra/1.png')
    expect([set.images[0], set.images[48], set.images[96]]).toEqual([30, 20, 10]);
    const grey = loadImageFolder(dir, { channels: 1 });
    expect(grey.channels).toBe(1);
    expect(grey.images[0]).toBe(Math.round(0.299 * 30 + 0.587 * 31 + 0.114 * 32));
    expect(listImageFolder(openDirectory(dir), { limitPerClass: 1 }).entries.map((e) => e.path)).toEqual([
      'apple/a.png',
      'zebra/0.PNG',
    ]);
  });
  it('honours explicit class names', () => {
    const dir = join(root, 'ok');
    expect([...loadImageFolder(dir, { classNames: ['zebra', 'apple'] }).labels]).toEqual([0, 0, 1]);
    expect(() => loadImageFolder(dir, { classNames: ['zebra'] })).toThrow(
      /folder apple .* is not in options.classNames/,
    );
  });
  it('names the file of a wrong size or a corrupt image, and skips only when asked', () => {
    const dir = makeTree('bad', {
      'a/0.png': png(4, 4, 1),
      'a/1.png': png(5, 4, 1),
      'b/0.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2]),
      'b/1.png': png(4, 4, 9),
    });
    expect(() => loadImageFolder(dir)).toThrow(/a\/1\.png is 4x5, expected 4x4/);
    expect(() => loadImageFolder(dir, { limitPerClass: 0 })).toThrow(/no image could be decoded/);
    const skipped = loadImageFolder(dir, { onError: 'skip' });
    expect(skipped.count).toBe(2);
    expect([...skipped.labels]).toEqual([0, 1]);
    expect(() => loadImageFolder(join(dir, 'b'), {})).toThrow(/no class folders with images/);
    const dir2 = makeTree('corrupt', {
      'a/0.png': png(4, 4, 1),
      'b/0.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2]),
    });
    expect(() => loadImageFolder(dir2)).toThrow(/b\/0\.jpg is not a valid JPEG/);
  });
  it('reports a missing folder', () => {
    expect(() => loadImageFolder(join(root, 'nope'))).toThrow(/folder not found: .*nope/);
  });
});
