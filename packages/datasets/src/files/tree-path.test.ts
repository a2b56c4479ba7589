import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDirectory } from './open-directory.ts';
import { pathInsideRoot } from './tree-path.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-tree-path-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pathInsideRoot', () => {
  it('normalises paths that stay inside the root', () => {
    expect(pathInsideRoot('val/images/a.JPEG', 'f')).toBe('val/images/a.JPEG');
    expect(pathInsideRoot('./val//images/../images/./a.JPEG', 'f')).toBe('val/images/a.JPEG');
    expect(pathInsideRoot('val/images/../../wnids.txt', 'f')).toBe('wnids.txt');
  });
  it('refuses absolute paths, climbing above the root, backslashes and the root itself, naming the source', () => {
    expect(() => pathInsideRoot('val/../../x', 'ann.txt line 3')).toThrow(
      /ann\.txt line 3: path "val\/\.\.\/\.\.\/x" climbs/,
    );
    expect(() => pathInsideRoot('/etc/passwd', 'f')).toThrow(/is absolute/);
    expect(() => pathInsideRoot('C:/x', 'f')).toThrow(/is absolute/);
    expect(() => pathInsideRoot('..\\x', 'f')).toThrow(/backslash/);
    expect(() => pathInsideRoot('a/..', 'f')).toThrow(/names the root itself/);
    expect(() => pathInsideRoot('', 'f')).toThrow(/is empty/);
  });
  it('openDirectory refuses to read, test or list outside its folder', () => {
    const root = join(tmp, 'data');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'a.txt'), 'inside');
    writeFileSync(join(tmp, 'secret.txt'), 'outside');
    const tree = openDirectory(root);
    expect(new TextDecoder().decode(tree.read('./a.txt'))).toBe('inside');
    expect(() => tree.read('../secret.txt')).toThrow(/climbs above the root/);
    expect(() => tree.has('../secret.txt')).toThrow(/climbs above the root/);
    expect(() => tree.list('..')).toThrow(/climbs above the root/);
    expect(() => tree.read(join(tmp, 'secret.txt'))).toThrow(/is absolute/);
  });
});
