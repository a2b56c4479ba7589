import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The main entry of @edl/ops must bundle for a browser with nothing left out: no Node built-in anywhere in its
// module graph (a `node:` import either breaks the page or, hoisted by esbuild, stops the module from running).

const entry = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function bundle(file: string) {
  return build({
    entryPoints: [entry(file)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
}

describe('the browser entry of @edl/ops', () => {
  it('bundles with esbuild for the browser, no externals, and contains no Node built-in', async () => {
    const result = await bundle('./index.ts');
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text.length).toBeGreaterThan(100_000); // tfjs is inside: nothing was left external
    expect(text).not.toMatch(/["'`]node:/);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('tfjs-backend-wasm'))).toBe(true);
    for (const nodeOnly of ['native-addon', 'wasm-thread-shim', 'setup-backend.node']) {
      expect(inputs.filter((p) => p.includes(nodeOnly))).toEqual([]);
    }
  });

  it('control: the Node entry does pull in Node built-ins, so the check above can fail', async () => {
    const result = await bundle('./index.node.ts').catch((err: { errors?: unknown[] }) => err);
    const failed = 'errors' in result && (result.errors?.length ?? 0) > 0;
    const text = 'outputFiles' in result ? (result.outputFiles?.[0]?.text ?? '') : '';
    expect(failed || /["'`]node:/.test(text)).toBe(true);
  });
});
