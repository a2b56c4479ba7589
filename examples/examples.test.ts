import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
});
