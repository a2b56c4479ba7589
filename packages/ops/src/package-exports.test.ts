import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { setupBackend as nodeSetupBackend } from './backend/setup-backend.node.ts';

// The "." export of @edl/ops: `node` -> the Node entry, anything else (browsers, bundlers) -> the browser-safe one;
// with the @edl/source condition (tests, typecheck) the same split over src/.

const packageDir = fileURLToPath(new URL('..', import.meta.url));

async function resolvedEntry(platform: 'browser' | 'node'): Promise<string[]> {
  const result = await build({
    stdin: { contents: "export * from '@edl/ops';", resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    conditions: ['@edl/source'],
    external: ['@tensorflow/*'],
  });
  return Object.keys(result.metafile.inputs).filter((p) => /packages\/ops\/src\/index(\.node)?\.ts$/.test(p));
}

describe('package exports of @edl/ops', () => {
  it('a browser bundler gets src/index.ts, a Node bundler src/index.node.ts (@edl/source)', async () => {
    expect(await resolvedEntry('browser')).toEqual([expect.stringMatching(/src\/index\.ts$/)]);
    expect(await resolvedEntry('node')).toEqual([expect.stringMatching(/src\/index\.node\.ts$/)]);
  });

  it('vitest (Node) resolves @edl/ops to the Node entry', async () => {
    const ops = await import('@edl/ops');
    expect(ops.setupBackend).toBe(nodeSetupBackend);
    expect('loadNativeAddon' in ops).toBe(false);
  });
});
