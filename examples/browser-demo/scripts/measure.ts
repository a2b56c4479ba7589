/**
 * The browser figures of the note, reproducible:
 *
 *   npx -y pnpm@10 build                                  # all six packages (the bundles are of their dist/)
 *   npx -y pnpm@10 --filter browser-demo measure          # [--loads N] (default 3)
 *
 * 1. Bundle size of each package's browser entry: `export * from '@edl/<pkg>'` bundled by esbuild as
 *    `--bundle --minify --platform=browser --format=esm` from the built `dist/` (its `exports`, no alias), gzipped at
 *    level 9; everything in, then `@tensorflow/*` external (the package and the @edl packages it uses), then
 *    `@edl/*` external too (the package's own code). `export *` keeps the whole API: an application that imports
 *    part of it tree-shakes to less.
 * 2. Page load to the first attack result on the demo page: `vite build` of this page, served by `vite preview` on
 *    127.0.0.1, opened N times with `?backend=wasm`, each time in a new headless Chromium (/usr/bin/chromium) with a
 *    fresh profile (cold cache). The page itself takes `performance.now()` (ms since navigation start) when its first
 *    attack (PGD-10 at eps 0.1 on the first digit, started by itself once the model is loaded) has drawn its result,
 *    and exposes it as `window.edlDemo.firstResultMs`. The median of the N loads is reported, with each load.
 *
 * Prints a table and writes the figures to $EDL_BROWSER_OUT/measure.json (default: $TMPDIR/edl-browser-results).
 * About 40 s on 2 cores.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundlePackage, EDL_PACKAGES, type Externals } from '../browser/support/bundle-package.ts';
import { chromiumMissing, launchChromium, openPage } from '../browser/support/chromium.ts';
import { RESULTS_DIR } from '../browser/support/results.ts';
import { buildAndServe } from '../browser/support/serve-page.ts';
import type { DemoProbe } from '../src/main.ts';

const { values } = parseArgs({ options: { loads: { type: 'string', default: '3' } } });
const loads = Number(values.loads);
if (!Number.isInteger(loads) || loads < 1) throw new Error(`--loads: expected a positive integer, got ${values.loads}`);
if (chromiumMissing) throw new Error(chromiumMissing);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// 1. Bundle sizes.
const EXTERNALS: Externals[] = ['none', 'tfjs', 'tfjs+edl'];
const bundles: Record<string, Record<Externals, { bytes: number; gzipBytes: number }>> = {};
console.log(
  '| package | all in (tfjs included), min / gzip | @tensorflow/* external | @tensorflow/* and @edl/* external |',
);
console.log('|---|---|---|---|');
for (const pkg of EDL_PACKAGES) {
  const row = {} as Record<Externals, { bytes: number; gzipBytes: number }>;
  for (const externals of EXTERNALS) {
    const b = await bundlePackage(pkg, { minify: true, externals });
    if (b.warnings.length > 0)
      console.warn(`@edl/${pkg} (${externals} external): esbuild warned:\n${b.warnings.join('\n')}`);
    row[externals] = { bytes: b.bytes, gzipBytes: b.gzipBytes };
  }
  bundles[`@edl/${pkg}`] = row;
  console.log(`| @edl/${pkg} | ${EXTERNALS.map((e) => `${kb(row[e].bytes)} / ${kb(row[e].gzipBytes)}`).join(' | ')} |`);
}

// 2. Page load to the first attack result, wasm backend.
const demoRoot = join(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'edl-demo-measure-'));
const served = await buildAndServe(demoRoot, outDir, join(demoRoot, 'vite.config.ts'));
const runs: Array<{ firstResultMs: number; modelLoadedMs: number; firstAttackMs: number; threads: number }> = [];
try {
  for (let i = 0; i < loads; i++) {
    const browser = await launchChromium();
    try {
      const page = await openPage(
        browser,
        `${served.url}?backend=wasm`,
        'window.edlDemo?.results >= 1 || window.edlDemo?.state === "error"',
        180_000,
      );
      const p: DemoProbe = await page.evaluate(() => window.edlDemo);
      if (p.error || p.backend?.backend !== 'wasm' || p.firstResultMs === undefined) {
        throw new Error(`load ${i + 1}: ${p.error ?? `backend ${p.backend?.backend}, no first result`}`);
      }
      runs.push({
        firstResultMs: Math.round(p.firstResultMs),
        modelLoadedMs: Math.round(p.modelLoadedMs ?? Number.NaN),
        firstAttackMs: Math.round(p.last?.ms ?? Number.NaN),
        threads: p.backend.threads,
      });
      console.log(`load ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await served.close();
  rmSync(outDir, { recursive: true, force: true });
}
const firstResult = {
  backend: `wasm (${runs[0]!.threads} thread(s))`,
  loads,
  medianFirstResultMs: median(runs.map((r) => r.firstResultMs)),
  medianModelLoadedMs: median(runs.map((r) => r.modelLoadedMs)),
  medianFirstAttackMs: median(runs.map((r) => r.firstAttackMs)),
  runs,
};
console.log(
  `page load -> first attack result (PGD-10, one digit, wasm): median ${firstResult.medianFirstResultMs} ms of ${loads} loads ` +
    `(${runs.map((r) => r.firstResultMs).join(', ')}); model loaded at ${firstResult.medianModelLoadedMs} ms, the attack itself ${firstResult.medianFirstAttackMs} ms`,
);
console.log(`demo page bundle: JS ${kb(served.bundle.js.bytes)} / ${kb(served.bundle.js.gzipBytes)} gzip`);

mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, 'measure.json');
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), bundles, firstResult, demoBundle: served.bundle.js }, null, 2)}\n`,
);
console.log(`written to ${file}`);
