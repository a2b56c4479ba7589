// Issue 13: empty class folders and symlinked class folders were dropped silently by the image-folder loader (an
// empty class shifts the label of every class after it). Empty classes are now refused, naming them; links are
// followed inside the dataset root and refused outside it, like '../' paths.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryFileTree } from '../files/file-tree.ts';
import { openDirectory } from '../files/open-directory.ts';
import { listImageFolder, loadImageFolder } from './image-folder.ts';

function png(value: number): Buffer {
  const img = new PNG({ width: 2, height: 2 });
  for (let p = 0; p < 4; p++) img.data.set([value, value, value, 255], p * 4);
  return PNG.sync.write(img);
}

const top = mkdtempSync(join(tmpdir(), 'edl-folder-links-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));
let n = 0;
/** A fresh dataset folder with these files ('' content: an empty folder) under `top`. */
function tree(files: Record<string, Buffer | string | null>): string {
  const dir = join(top, `d${n++}`);
  mkdirSync(dir);
  for (const [rel, data] of Object.entries(files)) {
    if (data === null) mkdirSync(join(dir, rel), { recursive: true });
    else {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), data);
    }
  }
  return dir;
}

describe('image folder: empty class folders', () => {
  it('an empty class folder is refused, naming it (dropped, "cat" would have taken its label)', () => {
    const dir = tree({ 'ant/0.png': png(1), 'bee/': null, 'cat/0.png': png(3) });
    expect(() => loadImageFolder(dir)).toThrow(
      /class folder\(s\) bee of .* hold no images \(\.png, \.jpg, \.jpeg\); an empty class would shift the labels/,
    );
  });

  it('a class folder holding only other files is refused too; on an archive tree as well', () => {
    const dir = tree({ 'train/ant/0.png': png(1), 'train/bee/notes.txt': 'x', 'train/cat/0.png': png(3) });
    expect(() => loadImageFolder(dir, { prefix: 'train' })).toThrow(/class folder\(s\) train\/bee of /);
    const archive = memoryFileTree(
      new Map([
        ['a/0.png', png(1)],
        ['b/readme.md', Buffer.from('x')],
      ]),
      'mem.tar',
    );
    expect(() => listImageFolder(archive)).toThrow(/class folder\(s\) b of mem\.tar hold no images/);
  });

  it('hidden folders (.ipynb_checkpoints, .git) are not classes and not refused', () => {
    const dir = tree({ 'ant/0.png': png(1), '.ipynb_checkpoints/': null, '.git/HEAD': 'ref', 'bee/0.png': png(2) });
    const set = loadImageFolder(dir);
    expect(set.classNames).toEqual(['ant', 'bee']);
    expect([...set.labels]).toEqual([0, 1]);
  });

  it('explicit class names: a listed class without images is refused; an unlisted empty folder is fine', () => {
    const dir = tree({ 'ant/0.png': png(1), 'bee/': null, 'cat/0.png': png(3) });
    expect(() => loadImageFolder(dir, { classNames: ['ant', 'bee', 'cat'] })).toThrow(
      /class folder\(s\) bee .*delete the folder and its name from options\.classNames/,
    );
    expect(() => loadImageFolder(dir, { classNames: ['ant', 'cat', 'dog'] })).toThrow(/class folder\(s\) dog/);
    const named = loadImageFolder(dir, { classNames: ['cat', 'ant'] });
    expect([...named.labels]).toEqual([0, 1]);
    expect(named.images[0]).toBe(3); // cat/0.png first: label order
  });
});

describe('image folder: symbolic links', () => {
  it('a class folder linked from inside the root is followed (it was dropped)', () => {
    const dir = tree({ 'pool/bee/0.png': png(2), 'pool/bee/1.png': png(4), 'train/ant/0.png': png(1) });
    symlinkSync(join(dir, 'pool', 'bee'), join(dir, 'train', 'bee'));
    const set = loadImageFolder(dir, { prefix: 'train' });
    expect(set.classNames).toEqual(['ant', 'bee']);
    expect([...set.labels]).toEqual([0, 1, 1]);
    expect(set.images[12]).toBe(2); // first pixel of train/bee/0.png (after ant's 2x2x3), read through the link
    // a relative link, and a linked image file, work the same
    const rel = tree({ 'pool/x.png': png(9), 'data/ant/0.png': png(1), 'data/bee/': null });
    symlinkSync('../../pool/x.png', join(rel, 'data', 'bee', 'x.png'));
    expect([...loadImageFolder(rel, { prefix: 'data' }).labels]).toEqual([0, 1]);
  });

  it('a class folder or image linked to outside the root is refused like a ../ path, naming link and target', () => {
    const outside = tree({ 'bee/0.png': png(2), 'secret.png': png(7) });
    const dir = tree({ 'ant/0.png': png(1) });
    symlinkSync(join(outside, 'bee'), join(dir, 'bee'));
    expect(() => loadImageFolder(dir)).toThrow(
      /bee is a symbolic link \(or lies under one\) to .*bee, outside the dataset root .*; links are followed only inside the root/,
    );
    const file = tree({ 'ant/0.png': png(1) });
    symlinkSync(join(outside, 'secret.png'), join(file, 'ant', '1.png'));
    expect(() => loadImageFolder(file)).toThrow(/ant\/1\.png is a symbolic link .* outside the dataset root/);
    // a data file naming a path through such a link (a Tiny-ImageNet annotation) cannot read it either
    expect(() => openDirectory(dir).read('bee/0.png')).toThrow(/outside the dataset root/);
    expect(() => openDirectory(dir).has('bee/0.png')).toThrow(/outside the dataset root/);
    // opening the folder that holds both is the way to use them
    expect(openDirectory(top).read(`${outside.slice(top.length + 1)}/bee/0.png`)).toBeInstanceOf(Buffer);
  });

  it('a broken link and a link looping to an enclosing folder are refused, named', () => {
    const broken = tree({ 'ant/0.png': png(1) });
    symlinkSync(join(broken, 'gone.png'), join(broken, 'ant', '1.png'));
    expect(() => loadImageFolder(broken)).toThrow(/ant\/1\.png is a broken symbolic link/);
    const loop = tree({ 'ant/0.png': png(1) });
    symlinkSync('..', join(loop, 'ant', 'again'));
    expect(() => loadImageFolder(loop)).toThrow(/ant\/again is a symbolic link to .*, a folder that encloses it/);
  });
});
