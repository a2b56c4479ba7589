import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitRun } from './pages/fit/main.ts';
import { type Chromium, chromiumMissing, launchChromium, openPage } from './support/chromium.ts';
import { recordResult } from './support/results.ts';
import { buildAndServe, type ServedPage } from './support/serve-page.ts';

if (chromiumMissing) console.warn(chromiumMissing);

/** max_i |a_i - b_i| / max(max_i |b_i|, 1e-12), after checking the lengths agree. */
function relativeMaxError(a: number[], b: number[], what: string): number {
  expect(a.length, `${what}: length`).toBe(b.length);
  const scale = Math.max(...b.map(Math.abs), 1e-12);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / scale;
}

describe.skipIf(chromiumMissing !== undefined)(
  '@edl/layers alone in headless Chromium: model.fit on plain tf.setBackend("wasm")',
  () => {
    let served: ServedPage;
    let browser: Chromium;
    let outDir: string;

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'edl-fit-page-'));
      [served, browser] = await Promise.all([
        buildAndServe(join(import.meta.dirname, 'pages', 'fit'), outDir),
        launchChromium(),
      ]);
    });

    afterAll(async () => {
      await browser?.close();
      await served?.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    it('trains a DictConv2D model on wasm with no extra call, loss and weights as on cpu', async () => {
      const page = await openPage(browser, served.url, 'document.body.dataset.ready === "true"');
      const cpu: FitRun = await page.evaluate(() => window.fitChecks.fit('cpu'));
      const wasm: FitRun = await page.evaluate(() => window.fitChecks.fit('wasm'));
      expect([cpu.backend, wasm.backend]).toEqual(['cpu', 'wasm']);
      // Importing @edl/layers put the @edl/ops gradient kernels on the wasm backend (stock tfjs 4.22 has neither).
      expect(wasm.wasmGradientKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
      // The reference learns: the loss falls over the 3 epochs.
      expect(cpu.losses).toHaveLength(3);
      expect(cpu.losses[2]!).toBeLessThan(cpu.losses[0]!);
      for (const [i, loss] of wasm.losses.entries()) {
        expect(Math.abs(loss - cpu.losses[i]!) / cpu.losses[i]!, `epoch ${i + 1} loss`).toBeLessThan(1e-4);
      }
      const errors = cpu.weights.map((w, i) => {
        expect(wasm.weights[i]!.name).toBe(w.name);
        return relativeMaxError(wasm.weights[i]!.values, w.values, w.name);
      });
      for (const [i, e] of errors.entries()) expect(e, `${cpu.weights[i]!.name} after training`).toBeLessThan(1e-4);
      expect(cpu.weights.map((w) => w.name)).toEqual(
        expect.arrayContaining(['dict/kernel', 'dict/beta', 'head/kernel']),
      );
      recordResult('fit-page DictConv2D model.fit on wasm vs cpu', {
        losses: { cpu: cpu.losses, wasm: wasm.losses },
        worstWeightRelativeError: Math.max(...errors),
        milliseconds: { cpu: Math.round(cpu.milliseconds), wasm: Math.round(wasm.milliseconds) },
      });
      await page.close();
    });
  },
);
