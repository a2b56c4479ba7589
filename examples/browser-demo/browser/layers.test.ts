import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerCase } from './pages/layers/main.ts';
import { type Chromium, chromiumMissing, launchChromium, noWebgpuAdapter, openPage } from './support/chromium.ts';
import { recordResult } from './support/results.ts';
import { buildAndServe, type ServedPage } from './support/serve-page.ts';

if (chromiumMissing) console.warn(chromiumMissing);

/** ||a - b||_2 / ||b||_2 (b the cpu reference), after checking the lengths agree. */
function relativeError(a: number[], b: number[], what: string): number {
  expect(a.length, `${what}: length`).toBe(b.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

const l2 = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

/** Every array of `actual` is within `tol` (relative L2) of the cpu case; returns the worst relative error. */
function expectMatchesCpu(actual: LayerCase, cpu: LayerCase, tol: number): number {
  const errors: Array<[string, number]> = [
    ['output', relativeError(actual.output, cpu.output, 'output')],
    ['input gradient', relativeError(actual.inputGradient, cpu.inputGradient, 'input gradient')],
    ['loss', Math.abs(actual.loss - cpu.loss) / Math.abs(cpu.loss)],
  ];
  cpu.weightGradients.forEach((g, i) => {
    expect(actual.weightGradients[i]!.name).toBe(g.name);
    errors.push([`d/d ${g.name}`, relativeError(actual.weightGradients[i]!.values, g.values, g.name)]);
  });
  cpu.weightsAfterStep.forEach((w, i) => {
    errors.push([`${w.name} after SGD step`, relativeError(actual.weightsAfterStep[i]!.values, w.values, w.name)]);
  });
  for (const [what, err] of errors) expect(err, `${actual.backend} vs cpu: ${what}`).toBeLessThan(tol);
  return Math.max(...errors.map(([, e]) => e));
}

describe.skipIf(chromiumMissing !== undefined)('@edl/layers and @edl/ops in headless Chromium (layers page)', () => {
  let served: ServedPage;
  let browser: Chromium;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'edl-layers-page-'));
    [served, browser] = await Promise.all([
      buildAndServe(join(import.meta.dirname, 'pages', 'layers'), outDir),
      launchChromium(),
    ]);
    recordResult('layers-page bundle', { js: served.bundle.js, wasm: served.bundle.wasm, files: served.bundle.files });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("setupBackend({ backend: 'auto' }) picks webgpu on a hardware adapter, else wasm with the @edl/ops kernels, and says why", async () => {
    const page = await openPage(browser, served.url, 'document.body.dataset.ready === "true"');
    const adapter = await page.evaluate(() => window.layerChecks.webgpuAdapter());
    const setup = await page.evaluate(() => window.layerChecks.auto());
    recordResult('layers-page auto', { adapter, backend: setup.backend, threads: setup.threads, reason: setup.reason });
    if (adapter && !adapter.isFallback) {
      expect(setup.backend).toBe('webgpu');
    } else {
      expect(setup.backend).toBe('wasm');
      // The reason names what was skipped: no adapter, or a software fallback adapter.
      expect(setup.reason).toMatch(/webgpu/i);
      expect(setup.kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
      // Stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter: it is there because @edl/ops registered it.
      expect(setup.kernelsOnWasm).toContain('Conv2DBackpropFilter');
    }
    await page.close();
  });

  it('DictConv2D forward, backward and one SGD step on wasm (with the @edl/ops kernels) and webgl match cpu', async () => {
    const page = await openPage(browser, served.url, 'document.body.dataset.ready === "true"');
    const cpu = await page.evaluate(() => window.layerChecks.runCase('cpu'));
    const wasm = await page.evaluate(() => window.layerChecks.runCase('wasm'));
    const webgl = await page.evaluate(() => window.layerChecks.runCase('webgl'));
    expect([cpu.backend, wasm.backend, webgl.backend]).toEqual(['cpu', 'wasm', 'webgl']);
    expect(wasm.setup.kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
    // The reference itself is not trivial: gradients flow into both dictionary layers' kernels and betas, and the
    // step moves the weights.
    for (const g of cpu.weightGradients) expect(l2(g.values), `cpu gradient of ${g.name}`).toBeGreaterThan(1e-6);
    expect(cpu.weightGradients.map((g) => g.name)).toEqual(
      expect.arrayContaining(['dict1/kernel', 'dict1/beta', 'dict2/kernel', 'dict2/beta']),
    );
    const moved = cpu.weightsAfterStep
      .filter((w, i) => relativeError(w.values, cpu.weightsBefore[i]!.values, w.name) > 1e-6)
      .map((w) => w.name);
    expect(moved, `weights the SGD step moved: ${moved.join(', ')}`).toEqual(
      expect.arrayContaining(['dict1/kernel', 'dict2/kernel', 'head/kernel']),
    );
    const worst = { wasm: expectMatchesCpu(wasm, cpu, 1e-4), webgl: expectMatchesCpu(webgl, cpu, 2e-3) };
    recordResult('layers-page DictConv2D vs cpu', {
      worstRelativeError: worst,
      milliseconds: { cpu: cpu.milliseconds, wasm: wasm.milliseconds, webgl: webgl.milliseconds },
    });
    await page.close();
  });

  it('DictConv2D on webgpu (requested by name; SwiftShader here) matches cpu', async (ctx) => {
    // A second Chromium with WebGPU on SwiftShader's Vulkan (those flags take WebGL away: ANGLE on Vulkan has no
    // WebGL context here, so the wasm / webgl case above runs without them).
    const gpuBrowser = await launchChromium({ webgpu: true });
    ctx.onTestFinished(() => gpuBrowser.close());
    const page = await openPage(gpuBrowser, served.url, 'document.body.dataset.ready === "true"');
    const adapter = await page.evaluate(() => window.layerChecks.webgpuAdapter());
    if (!adapter) {
      noWebgpuAdapter(ctx);
      return;
    }
    await page.evaluate(() => window.layerChecks.loadWebgpuBackend());
    const cpu = await page.evaluate(() => window.layerChecks.runCase('cpu'));
    const webgpu = await page.evaluate(() => window.layerChecks.runCase('webgpu'));
    expect(webgpu.backend).toBe('webgpu');
    const worst = expectMatchesCpu(webgpu, cpu, 2e-3);
    recordResult('layers-page webgpu vs cpu', {
      adapter,
      worstRelativeError: worst,
      milliseconds: webgpu.milliseconds,
    });
    await page.close();
  });
});
