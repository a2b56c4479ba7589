#!/usr/bin/env node
// Checks what npm would publish, on the packed tarballs (not the source folders):
//   1. `pnpm pack` each public package under packages/ into a temporary folder (pnpm rewrites `workspace:^`
//      to real versions there, as `changeset publish` will);
//   2. our own metadata checks (LICENSE and README in the tarball, repository / homepage / engines / access, no
//      relative link in the README, which npm shows without the repository around it);
//   3. `publint --strict <tarball>`: exports, files, field formats;
//   4. `attw <tarball> --profile esm-only`: do the type declarations resolve as the JavaScript does.
// It builds nothing: run `pnpm build` first (CI does), and it refuses to pack a package without dist/.
//
// Why `--profile esm-only`: the packages are ESM-only on purpose (`"type": "module"`, no `require` condition,
// no .cjs/.d.cts). That profile ignores the `node10` resolution (no `exports` support, pre-2020 TypeScript) and
// `node16` from CommonJS, where attw reports "CJSResolvesToESM": since Node 20.19 (our `engines` floor)
// `require()` of an ES module works, so CommonJS callers can load them; attw still flags it because TypeScript
// models the older behaviour. Every ESM resolution (node16 from ESM, bundler) must be clean.
//
// Usage: pnpm check:packages [name ...]   (names as folder names: ops attacks ...; default all)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const wanted = process.argv.slice(2);
const folders = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
for (const name of wanted) {
  if (!folders.includes(name)) {
    console.error(`check-packages: no package folder packages/${name}`);
    process.exit(2);
  }
}

// `pnpm check:packages` runs us under pnpm, which puts its own entry point in npm_execpath.
const execPath = process.env.npm_execpath ?? '';
const pnpm = /pnpm/.test(execPath) ? [process.execPath, execPath] : ['npx', '-y', 'pnpm@10'];

const run = (command, args, cwd) => {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { ...result, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, ms: performance.now() - started };
};

const REPOSITORY_URL = 'git+https://github.com/edl-js/edl.js.git';

/** Metadata a user relies on, that publint does not check. Returns problem strings. */
const metadataProblems = (folder, pkg, tarballFiles) => {
  const problems = [];
  for (const file of ['package/LICENSE', 'package/README.md', 'package/package.json']) {
    if (!tarballFiles.includes(file)) problems.push(`tarball lacks ${file.slice('package/'.length)}`);
  }
  if (pkg.license !== 'MIT') problems.push(`license is ${JSON.stringify(pkg.license)}, expected "MIT"`);
  const repo = pkg.repository ?? {};
  if (repo.url !== REPOSITORY_URL || repo.directory !== `packages/${folder}`) {
    problems.push(`repository should be { url: "${REPOSITORY_URL}", directory: "packages/${folder}" }`);
  }
  if (typeof pkg.homepage !== 'string' || !pkg.homepage.includes(`/packages/${folder}`)) {
    problems.push('homepage should be the package folder on GitHub');
  }
  if (!pkg.bugs?.url) problems.push('bugs.url missing');
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('tensorflowjs')) {
    problems.push('keywords should include "tensorflowjs"');
  }
  if (pkg.engines?.node !== '>=20.19') problems.push('engines.node should be ">=20.19" (require() of ESM)');
  if (pkg.publishConfig?.access !== 'public') problems.push('publishConfig.access should be "public"');
  if (pkg.type !== 'module') problems.push('type should be "module" (the packages are ESM-only)');
  for (const [dep, range] of Object.entries(pkg.peerDependencies ?? {})) {
    if (dep.startsWith('@tensorflow/') && range !== '~4.22.0') {
      problems.push(`peerDependencies["${dep}"] is ${range}: pin to the tested ~4.22.0 (see ARCHITECTURE.md)`);
    }
  }
  for (const section of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[section] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${section}["${dep}"] still ${range} in the tarball`);
    }
  }
  return problems;
};

/**
 * Links in the packed README that break on the npm page: npm renders the README without the repository around it,
 * so a relative link (`../../examples/...`, `docs/x.md`) goes nowhere. Absolute URLs and in-page `#anchors` only.
 * Returns problem strings.
 */
const readmeLinkProblems = (readme) => {
  const problems = [];
  const lines = readme.split('\n');
  let fenced = false;
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    // [text](target) and ![alt](target), and HTML src= / href= attributes
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)/g)].map((m) => m[1]),
      ...[...line.matchAll(/\b(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]),
    ];
    for (const target of targets) {
      if (!/^(https?:|mailto:|#)/.test(target)) {
        problems.push(`README.md:${i + 1} links to ${JSON.stringify(target)}: relative links break on the npm page`);
      }
    }
  });
  return problems;
};

const started = performance.now();
const scratch = mkdtempSync(join(tmpdir(), 'edl-check-packages-'));
const failures = [];
try {
  for (const folder of folders) {
    const dir = join(root, 'packages', folder);
    const source = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (source.private) continue;
    const label = source.name;
    if (!existsSync(join(dir, 'dist'))) {
      failures.push(
        `${label}: packages/${folder}/dist is missing; run \`pnpm build\` first (this script builds nothing)`,
      );
      continue;
    }
    const dest = join(scratch, folder);
    const pack = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', dest], dir);
    const tarball = existsSync(dest) ? readdirSync(dest).find((f) => f.endsWith('.tgz')) : undefined;
    if (pack.status !== 0 || !tarball) {
      failures.push(`${label}: pnpm pack failed\n${pack.output}`);
      continue;
    }
    const tarballPath = join(dest, tarball);
    const listing = run('tar', ['-tzf', tarballPath]).stdout.split('\n').filter(Boolean);
    const packed = JSON.parse(run('tar', ['-xzOf', tarballPath, 'package/package.json']).stdout);

    const readme = run('tar', ['-xzOf', tarballPath, 'package/README.md']).stdout;
    const problems = [...metadataProblems(folder, packed, listing), ...readmeLinkProblems(readme)];
    const publint = run(bin('publint'), ['--strict', tarballPath]);
    const attw = run(bin('attw'), [tarballPath, '--profile', 'esm-only', '--format', 'table-flipped']);
    const ok = problems.length === 0 && publint.status === 0 && attw.status === 0;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${label} (${listing.length} files; pack ${(pack.ms / 1000).toFixed(1)} s, ` +
        `publint ${(publint.ms / 1000).toFixed(1)} s, attw ${(attw.ms / 1000).toFixed(1)} s)`,
    );
    if (problems.length > 0) failures.push(`${label}: metadata\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    if (publint.status !== 0) failures.push(`${label}: publint --strict\n${publint.output}`);
    if (attw.status !== 0) failures.push(`${label}: attw --profile esm-only\n${attw.output}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`\n${failures.join('\n\n')}`);
  console.error(`\ncheck-packages: ${failures.length} problem group(s) in ${seconds} s`);
  process.exit(1);
}
console.log(`check-packages: ${folders.length} packages clean (publint --strict, attw esm-only) in ${seconds} s`);
