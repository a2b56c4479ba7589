import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// setupBackend in a real browser: headless Chromium (SwiftShader WebGPU) loads a page bundled with esbuild from
// src/testing/browser-page-check.ts, with the wasm files served next to it.
const enabled = process.env.EDL_TEST_BROWSER === '1';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const why = 'set EDL_TEST_BROWSER=1; needs `apt-get install chromium` (or CHROMIUM=<path>)';

async function runPage(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'edl-page-'));
  const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  for (const f of readdirSync(wasmDist).filter((n) => n.endsWith('.wasm')))
    copyFileSync(join(wasmDist, f), join(dir, f));
  await build({
    entryPoints: [fileURLToPath(new URL('./testing/browser-page-check.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outfile: join(dir, 'page.js'),
    conditions: ['@edl/source'],
    logLevel: 'silent',
  });
  let report: (r: Record<string, unknown>) => void = () => undefined;
  const done = new Promise<Record<string, unknown>>((resolve) => {
    report = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/done') {
      report(JSON.parse(decodeURIComponent(url.search.slice(1))));
      res.end();
      return;
    }
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (name === 'index.html') {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><script type="module" src="./page.js"></script>');
      return;
    }
    try {
      const body = readFileSync(join(dir, name));
      res.setHeader('content-type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const flags = [
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-angle=vulkan',
  ];
  const chromium = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', ...flags, `http://127.0.0.1:${port}/`], {
    stdio: 'ignore',
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('the page did not report within 100 s')), 100_000),
  );
  try {
    return await Promise.race([done, timeout]);
  } finally {
    chromium.kill();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!enabled)(`setupBackend in headless Chromium${enabled ? '' : ` (skipped: ${why})`}`, () => {
  it("'auto' takes wasm at wasmPaths (skipping a software WebGPU adapter), 'webgpu' by name works, gradients match cpu", async () => {
    const r = (await runPage()) as {
      error?: string;
      kernelsAtImport: boolean;
      auto: { backend: string; reason: string; kernels: string[] };
      byName: { backend: string; adapter: { isFallback: boolean } };
      wasmGradient: number[];
      webgpuGradient: number[];
      cpuGradient: number[];
    };
    expect(r.error).toBeUndefined();
    expect(r.kernelsAtImport).toBe(true);
    if (r.byName.adapter.isFallback) {
      expect(r.auto.backend).toBe('wasm');
      expect(r.auto.reason).toMatch(/skipped webgpu: only a software fallback adapter/);
    }
    expect(r.auto.kernels).toContain('Conv2DBackpropFilter');
    expect(r.byName.backend).toBe('webgpu');
    const scale = Math.max(...r.cpuGradient.map(Math.abs));
    expect(scale).toBeGreaterThan(1);
    for (const g of [r.wasmGradient, r.webgpuGradient]) {
      expect(Math.max(...g.map((v, i) => Math.abs(v - r.cpuGradient[i]!)))).toBeLessThan(1e-4 * scale);
    }
  });
});
