import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

describe('createProgress', () => {
  it('is silent when disabled or not on a TTY', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => {
      written += d.toString();
    });
    const p = createProgress(10, { stream });
    p.tick();
    p.stop();
    expect(written).toBe('');
  });
  it('draws a bar with the label, counts and an ETA when enabled', () => {
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
    const p = createProgress(4, { stream, enabled: true, label: 'pgd' });
    p.tick(2);
    p.update(4);
    p.stop();
    const text = chunks.join('');
    expect(text).toContain('pgd');
    expect(text).toContain('4/4');
    expect(text).toContain('ETA');
  });
});
