import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoProbe } from '../src/main.ts';
import { type Chromium, chromiumMissing, launchChromium, openPage } from './support/chromium.ts';
import { RESULTS_DIR, recordResult } from './support/results.ts';
import { buildAndServe, type ServedPage } from './support/serve-page.ts';

if (chromiumMissing) console.warn(chromiumMissing);

const demoRoot = join(import.meta.dirname, '..');

/** Luminance spread and colourfulness of a PNG: a blank or one-colour image has both near 0. */
function imageStats(png: Buffer): { width: number; height: number; lumaStd: number; coloured: number; dark: number } {
  const image = PNG.sync.read(png);
  const n = image.width * image.height;
  let sum = 0;
  let sumSq = 0;
  let coloured = 0;
  let dark = 0;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [image.data[4 * i]!, image.data[4 * i + 1]!, image.data[4 * i + 2]!];
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sumSq += y * y;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    if (y < 40) dark++;
  }
  const mean = sum / n;
  return { width: image.width, height: image.height, lumaStd: Math.sqrt(sumSq / n - mean * mean), coloured, dark };
}

async function probe(page: Page): Promise<DemoProbe> {
  return page.evaluate(() => window.edlDemo);
}

async function waitForResults(page: Page, count: number, timeoutMs: number): Promise<DemoProbe> {
  await page.waitForFunction(
    (n) => window.edlDemo.state === 'error' || (window.edlDemo.results >= n && window.edlDemo.state === 'ready'),
    count,
    { timeout: timeoutMs, polling: 100 },
  );
  const p = await probe(page);
  expect(p.error, 'the page reported an error').toBeUndefined();
  return p;
}

describe.skipIf(chromiumMissing !== undefined)(
  'the demo page, built with vite build and served by vite preview',
  () => {
    let served: ServedPage;
    let browser: Chromium;
    let outDir: string;

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'edl-demo-page-'));
      [served, browser] = await Promise.all([
        buildAndServe(demoRoot, outDir, join(demoRoot, 'vite.config.ts')),
        launchChromium(),
      ]);
      recordResult('demo bundle', { js: served.bundle.js, wasm: served.bundle.wasm, files: served.bundle.files });
    });

    afterAll(async () => {
      await browser?.close();
      await served?.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    it('loads the model, attacks the first digit on its own, and shows the result', async () => {
      const page = await openPage(
        browser,
        served.url,
        'window.edlDemo?.results >= 1 || window.edlDemo?.state === "error"',
        120_000,
      );
      const p = await waitForResults(page, 1, 10_000);
      expect(p.backend?.backend).toBe('wasm');
      expect(p.backend?.kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter']));
      expect(await page.textContent('[data-testid=backend]')).toContain('wasm');
      expect(p.last).toMatchObject({ kind: 'pgd', eps: 0.1, digit: 0 });
      expect(p.last!.linf).toBeLessThanOrEqual(0.1 + 1e-6);
      expect(p.last!.linf).toBeGreaterThan(0.05);
      expect(await page.textContent('[data-testid=linf]')).toContain('✓');
      expect(await page.textContent('[data-testid=clean-prediction]')).toMatch(/predicted \d/);
      expect(await page.textContent('[data-testid=adv-prediction]')).toMatch(/predicted \d/);
      const advPredicted = await page.getAttribute('[data-testid=adv-prediction]', 'data-predicted');
      expect(advPredicted === String(p.last!.label)).toBe(!p.last!.fooled);
      // The page's own check: the model classifies most of its held-out digits right, on this backend.
      const live = (await page.textContent('[data-testid=live-clean]')) ?? '';
      expect(Number(live.match(/(\d+) \/ 20/)?.[1])).toBeGreaterThanOrEqual(16);
      recordResult('demo first result', {
        backend: `${p.backend?.backend} (${p.backend?.threads} thread(s))`,
        modelLoadedMs: Math.round(p.modelLoadedMs!),
        firstResultMs: Math.round(p.firstResultMs!),
        firstAttackMs: Math.round(p.last!.ms),
      });

      mkdirSync(RESULTS_DIR, { recursive: true });
      const shot = await page.screenshot({ fullPage: true });
      writeFileSync(join(RESULTS_DIR, 'demo.png'), shot);
      const full = imageStats(shot);
      expect(full.lumaStd, 'screenshot looks blank').toBeGreaterThan(20);
      expect(full.dark, 'no dark digit pixels in the screenshot').toBeGreaterThan(5_000);
      const delta = imageStats(await page.locator('[data-testid=delta-canvas]').screenshot());
      expect(delta.coloured, 'the perturbation map has no red or blue pixels').toBeGreaterThan(1_000);
      await page.close();
    });

    it('attacks all digits with PGD and AutoAttack (reduced) from the controls, inside the budget', async () => {
      const page = await openPage(
        browser,
        served.url,
        'window.edlDemo?.results >= 1 || window.edlDemo?.state === "error"',
        120_000,
      );
      await waitForResults(page, 1, 10_000);
      await page.uncheck('#live');
      await page.click('[data-testid=run-all]');
      await waitForResults(page, 2, 120_000);
      const set = (await page.textContent('[data-testid=set-result]')) ?? '';
      const robust = Number(set.match(/(\d+) \/ 20\s+robust/)?.[1]);
      const clean = Number(set.match(/clean (\d+) \/ 20/)?.[1]);
      expect(robust).toBeLessThanOrEqual(clean);
      expect(clean).toBeGreaterThanOrEqual(16);
      expect(set).toContain('≤ ε ✓');
      const pgdAll = (await probe(page)).results;

      // AutoAttack (reduced) on one digit, chosen from the controls.
      await page.selectOption('#attack', 'autoattack');
      await page.click('[data-testid=digit-3]');
      const p = await waitForResults(page, pgdAll + 1, 180_000);
      expect(p.last).toMatchObject({ kind: 'autoattack', digit: 3 });
      expect(p.last!.linf).toBeLessThanOrEqual(0.1 + 1e-6);
      expect(await page.isVisible('#aa-log')).toBe(true);
      expect(await page.textContent('#aa-log')).toContain('apgd-ce');

      // With 're-run on change', moving the epsilon slider re-runs the attack at the new budget.
      await page.selectOption('#attack', 'fgsm');
      await page.check('#live');
      await page.locator('#eps').fill('0.25');
      await page.waitForFunction(() => window.edlDemo.last?.eps === 0.25 && window.edlDemo.state === 'ready', null, {
        timeout: 60_000,
      });
      const f = await probe(page);
      expect(f.last).toMatchObject({ kind: 'fgsm', eps: 0.25 });
      expect(f.last!.linf).toBeLessThanOrEqual(0.25 + 1e-6);
      expect(f.last!.linf).toBeGreaterThan(0.2);
      recordResult('demo attacks', {
        autoAttackReducedOneDigitMs: Math.round(p.last!.ms),
        fooledByAutoAttack: p.last!.fooled,
      });
      await page.close();
    });
  },
);
