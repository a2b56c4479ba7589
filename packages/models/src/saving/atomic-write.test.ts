import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWrite, atomicWriteSync } from './atomic-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'edl-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomicWrite / atomicWriteSync', () => {
  it('write the bytes, replace an existing file, and leave no temporary file behind', async () => {
    const p = join(dir, 'a.json');
    await atomicWrite(p, '{"v":1}');
    expect(readFileSync(p, 'utf8')).toBe('{"v":1}');
    atomicWriteSync(p, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    await atomicWrite(p, Uint8Array.of(9));
    expect([...readFileSync(p)]).toEqual([9]);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('fail without a partial file when the directory does not exist', async () => {
    await expect(atomicWrite(join(dir, 'missing', 'x'), 'x')).rejects.toThrow(/ENOENT/);
    expect(() => atomicWriteSync(join(dir, 'missing', 'x'), 'x')).toThrow(/ENOENT/);
  });
});
