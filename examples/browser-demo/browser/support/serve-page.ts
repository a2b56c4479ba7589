import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type InlineConfig, preview } from 'vite';

/** Where the packages the pages import keep their built entry points (the pages use them as a user would). */
const PACKAGE_DIST = ['ops', 'layers', 'attacks'].map((p) =>
  join(import.meta.dirname, '..', '..', '..', '..', 'packages', p, 'dist', 'index.js'),
);

/** One emitted file: its size as written (minified) and gzipped. */
export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Sizes of a built page. */
export interface BundleReport {
  files: BundleFile[];
  /** All JavaScript (entry and lazy chunks), minified and gzipped. */
  js: { bytes: number; gzipBytes: number };
  /** The .wasm files the page serves. */
  wasm: { bytes: number; gzipBytes: number };
  buildMilliseconds: number;
}

/** A built page served by `vite preview` on 127.0.0.1. */
export interface ServedPage {
  url: string;
  bundle: BundleReport;
  close(): Promise<void>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function measure(outDir: string, buildMilliseconds: number): BundleReport {
  const files = listFiles(outDir)
    .filter((f) => /\.(js|css|wasm|html)$/.test(f))
    .map((f) => {
      const data = readFileSync(f);
      return { file: relative(outDir, f), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
    });
  const sum = (ext: string) =>
    files
      .filter((f) => f.file.endsWith(ext))
      .reduce((a, f) => ({ bytes: a.bytes + f.bytes, gzipBytes: a.gzipBytes + f.gzipBytes }), {
        bytes: 0,
        gzipBytes: 0,
      });
  return { files, js: sum('.js'), wasm: sum('.wasm'), buildMilliseconds };
}

/**
 * Builds the page in `root` with `vite build` (the page's own vite.config.ts when `configFile` is given) into
 * `outDir`, measures the bundle and serves it with `vite preview`.
 */
export async function buildAndServe(root: string, outDir: string, configFile?: string): Promise<ServedPage> {
  const missing = PACKAGE_DIST.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(
      `the pages import the built packages, but ${missing.map((f) => relative(process.cwd(), f)).join(', ')} do not exist: run \`npx -y pnpm@10 --filter browser-demo build:deps\` first`,
    );
  }
  const config: InlineConfig = {
    root,
    configFile: configFile ?? false,
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
    // Not cross-origin isolated (no COOP/COEP headers), as the demo's vite.config.ts explains: wasm runs 1 thread.
    preview: { host: '127.0.0.1', port: 0 },
  };
  const started = performance.now();
  await build(config);
  const bundle = measure(outDir, performance.now() - started);
  const server = await preview(config);
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error(`vite preview of ${root} reported no local URL`);
  return { url, bundle, close: () => server.close() };
}
