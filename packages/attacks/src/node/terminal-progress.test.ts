import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from './terminal-progress.ts';

describe('terminalProgress', () => {
  it('is silent when the stream is not a TTY', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => {
      written += d.toString();
    });
    const onProgress = terminalProgress({ stream });
    onProgress(1, 10, 'pgd');
    onProgress(10, 10, 'pgd');
    expect(written).toBe('');
  });

  it('draws one bar per label with counts and an ETA when enabled', () => {
    const chunks: string[] = [];
    const stream = {
      isTTY: true,
      columns: 120,
      write: (s: string) => {
        chunks.push(s);
        return true;
      },
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      on: () => stream,
      removeListener: () => stream,
    } as unknown as NodeJS.WriteStream;
    const onProgress = terminalProgress({ stream, enabled: true });
    onProgress(2, 4, 'pgd');
    onProgress(4, 4, 'pgd');
    onProgress(3, 3, 'square');
    const text = chunks.join('');
    expect(text).toContain('pgd');
    expect(text).toContain('4/4');
    expect(text).toContain('square');
    expect(text).toContain('3/3');
    expect(text).toContain('ETA');
  });
});
