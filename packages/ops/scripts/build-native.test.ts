import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The install-time build without a C++ compiler: a loud warning with the fix, exit 0 (install goes on), or exit 1
// with --strict. PATH holds only node, so no compiler is found; the built addon is not touched.
const script = join(dirname(fileURLToPath(import.meta.url)), 'build-native.mjs');
const bin = mkdtempSync(join(tmpdir(), 'edl-no-cxx-'));
symlinkSync(process.execPath, join(bin, 'node'));
const run = (...args: string[]) =>
  spawnSync(join(bin, 'node'), [script, '--force', ...args], {
    encoding: 'utf8',
    env: { PATH: bin, HOME: process.env.HOME ?? '/tmp' },
  });

afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('scripts/build-native.mjs without a compiler', () => {
  it('warns loudly with the fix and lets the install go on', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/WARNING: the native conv kernels were not built: no C\+\+ compiler found/);
    expect(r.stderr).toMatch(/apt-get install g\+\+/);
    expect(r.stderr).toMatch(/npm rebuild @edl\/ops/);
  });

  it('fails with --strict', () => {
    expect(run('--strict').status).toBe(1);
  });
});
