import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./index.ts', import.meta.url));

describe('browser entry', () => {
  it('bundles for the browser with no Node built-in and no Node-only package', async () => {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      external: ['@tensorflow/*'],
      metafile: true,
    });
    expect(out.errors).toEqual([]);
    const code = out.outputFiles.map((f) => f.text).join('\n');
    expect(code).not.toMatch(/["']node:/);
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((p) => /cli-progress|\/src\/node\//.test(p))).toEqual([]);
    // Only @tensorflow/* stays external: every other import is resolved into the bundle.
    const imports = Object.values(out.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.filter((p) => !p.startsWith('@tensorflow/'))).toEqual([]);
  });
});
