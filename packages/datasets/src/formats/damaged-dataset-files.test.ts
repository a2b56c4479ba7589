import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { extractArchive } from '../files/extract-archive.ts';
import { openZipArchive } from '../files/zip-archive.ts';
import { writeTar } from '../testing/write-tar.ts';
import { loadCifarBinaryFiles } from './cifar-files.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edl-damaged-data-'));

describe('damaged dataset files are named', () => {
  it('an empty CIFAR batch file is refused, not loaded as zero images', () => {
    const path = join(tmp, 'test_batch.bin');
    writeFileSync(path, '');
    expect(() => loadCifarBinaryFiles([path], { format: 'cifar10' })).toThrow(
      /test_batch\.bin holds no cifar10 record \(0 bytes; one record is 3073 bytes\)/,
    );
  });

  it('a truncated zip or tar.gz names the archive', async () => {
    const zip = zipSync({ 'set/a.bin': new Uint8Array(5000).fill(3) });
    const cutZip = join(tmp, 'cut.zip');
    writeFileSync(cutZip, zip.subarray(0, zip.length - 30));
    expect(() => openZipArchive(cutZip)).toThrow(/could not read .*cut\.zip/);
    await expect(extractArchive(cutZip, join(tmp, 'outzip'), 'zip')).rejects.toThrow(
      /extractArchive: .*cut\.zip is not a readable zip archive/,
    );
    const tgz = join(tmp, 'whole.tar.gz');
    await writeTar(tgz, { 'set/a.bin': Buffer.alloc(20000, 5) }, true);
    const cutTgz = join(tmp, 'cut.tar.gz');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(tgz);
    writeFileSync(cutTgz, bytes.subarray(0, bytes.length >> 1));
    await expect(extractArchive(cutTgz, join(tmp, 'outtgz'), 'tar.gz')).rejects.toThrow(
      /cut\.tar\.gz.*unexpected end of file/,
    );
    // both are DatasetErrors of code 'invalid-file' (the zip one was a plain Error before)
    for (const [cut, kind] of [
      [cutZip, 'zip'],
      [cutTgz, 'tar.gz'],
    ] as const) {
      await expect(extractArchive(cut, join(tmp, `out-${kind}-2`), kind)).rejects.toThrow(
        expect.objectContaining({ name: 'DatasetError', code: 'invalid-file' }),
      );
    }
  });
});
