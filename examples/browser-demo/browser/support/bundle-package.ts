import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Message } from 'esbuild';

/** The public packages, by folder name. */
export const EDL_PACKAGES = ['ops', 'layers', 'models', 'attacks', 'datasets', 'training'] as const;
export type EdlPackage = (typeof EDL_PACKAGES)[number];

/**
 * What is left out of the bundle: nothing, `@tensorflow/*`, or `@tensorflow/*` and the other `@edl/*` packages (then
 * the bundle starts from the package's `dist/index.js`, the browser entry, so that its own code stays in).
 */
export type Externals = 'none' | 'tfjs' | 'tfjs+edl';

/** One esbuild bundle of a package's browser entry. */
export interface PackageBundle {
  pkg: EdlPackage;
  externals: Externals;
  minified: boolean;
  bytes: number;
  gzipBytes: number;
  /** esbuild's warnings, as `file:line: text`. */
  warnings: string[];
  /** The files esbuild read, relative to the repository root. */
  inputs: string[];
  text: string;
}

const demoRoot = join(import.meta.dirname, '..', '..');
const repoRoot = join(demoRoot, '..', '..');

const format = (m: Message) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`;

/**
 * Bundles `export * from '@edl/<pkg>'` as a user's bundler would: `esbuild --bundle --platform=browser --format=esm`,
 * resolved through the package's `exports` to its built `dist/` (no custom condition, no alias), everything bundled
 * unless `externals` says otherwise. `export *` keeps the whole API, so the size is what an application that uses
 * all of it pays (tree-shaking an application's actual imports gives less). Throws on esbuild errors, with them.
 */
export async function bundlePackage(
  pkg: EdlPackage,
  options: { minify?: boolean; externals?: Externals } = {},
): Promise<PackageBundle> {
  const dist = join(repoRoot, 'packages', pkg, 'dist', 'index.js');
  if (!existsSync(dist)) {
    throw new Error(
      `bundlePackage: ${relative(process.cwd(), dist)} does not exist; build the packages first (\`npx -y pnpm@10 build\` at the repository root)`,
    );
  }
  const externals = options.externals ?? 'none';
  const minified = options.minify ?? false;
  const external = externals === 'none' ? [] : externals === 'tfjs' ? ['@tensorflow/*'] : ['@tensorflow/*', '@edl/*'];
  try {
    const result = await build({
      // With @edl/* external the package itself must stay in: start from its dist/ entry instead of its name.
      stdin: {
        contents: `export * from ${JSON.stringify(externals === 'tfjs+edl' ? dist : `@edl/${pkg}`)};`,
        resolveDir: demoRoot,
        loader: 'js',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: minified,
      external,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const out = result.outputFiles[0]!;
    return {
      pkg,
      externals,
      minified,
      bytes: out.contents.length,
      gzipBytes: gzipSync(out.contents, { level: 9 }).length,
      warnings: result.warnings.map(format),
      inputs: Object.keys(result.metafile.inputs).map((i) => relative(repoRoot, join(demoRoot, i))),
      text: out.text,
    };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors?.length) throw error;
    throw new Error(`esbuild --bundle --platform=browser of @edl/${pkg} failed:\n${errors.map(format).join('\n')}`);
  }
}
