import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=@edl/source', '--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('examples (smoke, tiny sizes)', () => {
  it('layer-in-your-model trains an elasticDictConv2d inside tf.sequential with model.fit', () => {
    const r = run('examples/layer-in-your-model/layer-in-your-model.ts', '60', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test accuracy \d+(\.\d)?% after 1 epochs on 60 digits/);
    expect(r.stdout).toContain("kind: 'elastic'");
  });

  it('cifar10-reproduction refuses to run without --data-dir (exit 2, message)', () => {
    const r = run('examples/cifar10-reproduction/reproduce.ts');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--data-dir is required');
  });

  it('the @edl/attacks README example runs as a plain .mjs file and writes its report', () => {
    const readme = readFileSync(join(root, 'packages/attacks/README.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    // Placed under examples/node_modules so that `@edl/attacks` resolves as for a user; run from an empty folder.
    const dir = join(root, 'examples', 'node_modules', '.readme-example');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'attack.mjs');
    writeFileSync(file, code ?? '');
    const cwd = mkdtempSync(join(tmpdir(), 'edl-readme-'));
    const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
    const r = spawnSync(process.execPath, ['--conditions=@edl/source', '--import', tsx, file], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PGD-20 fooled \d+ of 32/);
    expect(existsSync(join(cwd, 'robustness.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, 'robustness.json'), 'utf8')).attacks).toHaveLength(2);
  });
});
