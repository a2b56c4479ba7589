import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../testing/run-cli.ts';

// Own process (vitest pool 'forks'). The wasm heap is capped at 96 MiB by making WebAssembly.Memory.prototype.grow
// fail past it, the way growth fails at wasm32's 4 GiB: `edl train --width 1 --batch-size 512` in miniature
// (the issue: a silent overwrite, then `RuntimeError: memory access out of bounds` with a wasm stack).
const grow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function cappedGrow(this: WebAssembly.Memory, pages: number) {
  if (this.buffer.byteLength + pages * 65536 > 96 * 2 ** 20) throw new RangeError('capped by test');
  return grow.call(this, pages);
};
afterAll(() => {
  WebAssembly.Memory.prototype.grow = grow;
});

describe('edl train out of wasm heap', () => {
  it('exits 1 with one clear message naming the batch size and --accumulate, no stack', async () => {
    const { code, err } = await runCliCaptured(
      ['train', '--backend', 'wasm', '--threads', '1', '--width', '1', '--batch-size', '512'].concat(
        ['--train-count', '512', '--test-count', '16', '--monitor-count', '16', '--epochs', '1'],
        ['--out', join(mkdtempSync(join(tmpdir(), 'edl-oom-')), 'run')],
      ),
    );
    expect(code).toBe(1);
    expect(err).toMatch(
      /edl: train: out of memory in a training step at batch size 512\. Set accumulate: 2 \(edl train --accumulate 2\) for micro-batches of 256/,
    );
    expect(err).toMatch(/the wasm heap is exhausted: .* did not fit \(heap at .* at most 4 GiB\)/);
    expect(err).not.toMatch(/RuntimeError|memory access out of bounds|\n\s+at /);
  });
});
