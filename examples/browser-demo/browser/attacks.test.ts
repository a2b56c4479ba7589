import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackCheck } from './pages/attacks/main.ts';
import { type Chromium, chromiumMissing, launchChromium, noWebgpuAdapter, openPage } from './support/chromium.ts';
import { recordResult } from './support/results.ts';
import { buildAndServe, type ServedPage } from './support/serve-page.ts';

if (chromiumMissing) console.warn(chromiumMissing);

describe.skipIf(chromiumMissing !== undefined)(
  '@edl/attacks alone in headless Chromium (tfjs + @edl/attacks page)',
  () => {
    let served: ServedPage;
    let browser: Chromium;
    let outDir: string;

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'edl-attacks-page-'));
      [served, browser] = await Promise.all([
        buildAndServe(join(import.meta.dirname, 'pages', 'attacks'), outDir),
        launchChromium(),
      ]);
      recordResult('attacks-page bundle', { js: served.bundle.js, files: served.bundle.files });
    });

    afterAll(async () => {
      await browser?.close();
      await served?.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    /** Runs the three attacks on `backend` in `page` and checks them (the same assertions on every backend). */
    async function checkAttacks(page: Page, backend: string): Promise<void> {
      const before = await page.evaluate(() => window.attackChecks.tensors());
      const out = await page.evaluate((b) => window.attackChecks.run(b), backend);
      const after = await page.evaluate(() => window.attackChecks.tensors());
      expect(out.backend).toBe(backend);
      // AutoAttack names itself after its version and budget ('autoattack-standard', '-reduced' below budget 1).
      const byName = Object.fromEntries(
        out.checks.map((c: AttackCheck) => [c.name.replace(/^autoattack.*/, 'autoattack'), c]),
      );
      expect(Object.keys(byName).sort()).toEqual(['autoattack', 'fgsm', 'pgd-linf']);
      for (const c of out.checks) {
        for (const [i, linf] of c.measuredLinf.entries()) {
          expect(linf, `${c.name} sample ${i}`).toBeLessThanOrEqual(c.eps + 1e-6);
          expect(c.reportedNorms[i]!).toBeCloseTo(linf, 5);
        }
        expect(c.min).toBeGreaterThanOrEqual(0);
        expect(c.max).toBeLessThanOrEqual(1);
        expect(c.adversarialLoss, `${c.name} should raise the loss`).toBeGreaterThan(c.cleanLoss);
      }
      // The iterative attacks are at least as strong as one step on this model, and AutoAttack's own accounting
      // agrees with its per-sample flags.
      const fooled = (name: string) => byName[name]!.success.filter(Boolean).length;
      expect(fooled('pgd-linf')).toBeGreaterThanOrEqual(1);
      expect(byName.autoattack!.robustAccuracy).toBeCloseTo(1 - fooled('autoattack') / 6, 6);
      expect(after - before, 'tensors left behind by the attacks').toBe(0);
      recordResult(`attacks-page ${backend}`, {
        fooled: Object.fromEntries(
          out.checks.map((c: AttackCheck) => [c.name, `${c.success.filter(Boolean).length}/6`]),
        ),
        milliseconds: Object.fromEntries(out.checks.map((c: AttackCheck) => [c.name, Math.round(c.milliseconds)])),
      });
    }

    for (const backend of ['cpu', 'webgl']) {
      it(`FGSM, PGD and AutoAttack stay inside the l-inf budget and the [0, 1] box and raise the loss (${backend})`, async () => {
        const page = await openPage(browser, served.url, 'document.body.dataset.ready === "true"');
        await checkAttacks(page, backend);
        await page.close();
      });
    }

    it('FGSM, PGD and AutoAttack: the same checks on webgpu (SwiftShader here, in a second Chromium with WebGPU on)', async (ctx) => {
      // WebGPU on SwiftShader's Vulkan needs flags that take WebGL away (see layers.test.ts): its own browser.
      const gpuBrowser = await launchChromium({ webgpu: true });
      ctx.onTestFinished(() => gpuBrowser.close());
      const page = await openPage(gpuBrowser, served.url, 'document.body.dataset.ready === "true"');
      if (!(await page.evaluate(() => window.attackChecks.webgpuAdapter()))) {
        noWebgpuAdapter(ctx);
        return;
      }
      await checkAttacks(page, 'webgpu');
      await page.close();
    });
  },
);
