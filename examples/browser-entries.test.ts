// The main entries of @edl/layers, @edl/models, @edl/datasets and @edl/training must bundle for a browser: no Node
// built-in and no Node-only dependency (those live behind each package's `./node` subpath). Each entry is bundled
// with esbuild for `platform: 'browser'`, with only tfjs and the other @edl packages (checked here too) left external.
import { join } from 'node:path';
import { build, type Message } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const NODE_ONLY_PACKAGES = ['cli-progress', 'commander', 'pngjs', 'tar-stream', 'mnist/'];

async function bundleForBrowser(entry: string): Promise<{ errors: string[]; text: string; inputs: string[] }> {
  try {
    const result = await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      conditions: ['@edl/source'],
      external: ['@tensorflow/*', '@edl/*'],
    });
    return { errors: [], text: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
  } catch (error) {
    const errors = ((error as { errors?: Message[] }).errors ?? []).map((m) => `${m.location?.file}: ${m.text}`);
    return { errors: errors.length > 0 ? errors : [String(error)], text: '', inputs: [] };
  }
}

describe('browser-safe main entries', () => {
  for (const pkg of ['layers', 'models', 'datasets', 'training']) {
    it(`@edl/${pkg} bundles for the browser with no node: import and no Node-only dependency`, async () => {
      const { errors, text, inputs } = await bundleForBrowser(`packages/${pkg}/src/index.ts`);
      expect(errors).toEqual([]);
      expect(text.length).toBeGreaterThan(1000);
      expect(text).not.toMatch(/["']node:[a-z_/]+["']/);
      const nodeOnly = inputs.filter((i) => NODE_ONLY_PACKAGES.some((p) => i.includes(`node_modules/${p}`)));
      expect(nodeOnly).toEqual([]);
    });
  }

  it('the check fails on a Node-only subpath (so a regression in a main entry would be caught)', async () => {
    for (const pkg of ['models', 'datasets', 'training']) {
      const { errors } = await bundleForBrowser(`packages/${pkg}/src/node.ts`);
      expect(errors.some((e) => /node:|"fs"|"zlib"|"stream"/.test(e))).toBe(true);
    }
  });
});

// As a user's bundler sees them: `import '@edl/<pkg>'` resolved through each package.json's exports (browser
// conditions), tfjs and every other dependency bundled in, nothing external, no alias.
describe('each package bundles for the browser with no externals', () => {
  for (const pkg of ['ops', 'layers', 'models', 'attacks', 'datasets', 'training']) {
    it(`@edl/${pkg}: esbuild --bundle --platform=browser succeeds and the bundle names no Node built-in`, async () => {
      const result = await build({
        stdin: { contents: `export * from '@edl/${pkg}';`, resolveDir: import.meta.dirname, loader: 'js' },
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
        conditions: ['@edl/source'],
      });
      const text = result.outputFiles[0]!.text;
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((i) => i.includes('@tensorflow/tfjs-core'))).toBe(true); // tfjs really is inside
      expect(inputs.some((i) => i.includes(`packages/${pkg}/src/`))).toBe(true);
      expect(text).not.toMatch(/["']node:[a-z_/]+["']/);
      expect(inputs.filter((i) => NODE_ONLY_PACKAGES.some((p) => i.includes(`node_modules/${p}`)))).toEqual([]);
    });
  }
});
