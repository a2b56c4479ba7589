#!/usr/bin/env node
// Builds the optional native convolution kernels of @edl/ops (native/*.cc -> native/build/edl_native.node) with
// the system C++ compiler and Node's own headers. Runs at install time; on failure it prints why and how to fix it
// and exits 0 (the wasm kernels keep working), unless --strict is given. Nothing is downloaded.
//   node scripts/build-native.mjs [--strict] [--force]
// Environment: CXX (compiler, default g++ then c++ then clang++), EDL_SKIP_NATIVE_BUILD=1 (skip).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'native');
const outDir = join(src, 'build');
const target = join(outDir, 'edl_native.node');
const sources = [
  'addon.cc',
  'conv-algorithm.cc',
  'conv-algorithm.h',
  'conv-kernels.cc',
  'conv-kernels.h',
  'conv-winograd.h',
  'edl-abi.h',
  'edl-alloc.cc',
  'edl-alloc.h',
  'edl-parallel.h',
  'napi-args.h',
  'tensor-kernels.cc',
  'tensor-kernels.h',
  'rista-kernels.cc',
  'rista-kernels.h',
  'worker-pool.h',
].map((f) => join(src, f));

/** The scratch folder of this build, removed on failure too. */
let tmp;

function fail(why) {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const msg =
    `[@edl/ops] WARNING: the native conv kernels were not built: ${why}\n` +
    '[@edl/ops] Training and attacks still run on the wasm kernels, about 2-4x slower per convolution.\n' +
    '[@edl/ops] Fix: install a C++ compiler (Debian/Ubuntu: apt-get install g++), then run `npm rebuild @edl/ops` ' +
    '(pnpm 10: `pnpm approve-builds`, then `pnpm rebuild @edl/ops`; or `node node_modules/@edl/ops/scripts/build-native.mjs --strict`).';
  console.error(msg);
  process.exit(strict ? 1 : 0);
}

if (process.env.EDL_SKIP_NATIVE_BUILD === '1' && !strict) {
  console.error('[@edl/ops] EDL_SKIP_NATIVE_BUILD=1: native conv kernels not built (wasm kernels will be used).');
  process.exit(0);
}

const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
if (!args.has('--force') && existsSync(target) && statSync(target).mtimeMs > newest && loads(target)) {
  process.exit(0);
}

const compiler = [process.env.CXX, 'g++', 'c++', 'clang++'].find(
  (c) => c && spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0,
);
if (!compiler) fail('no C++ compiler found (tried $CXX, g++, c++, clang++)');

const includeCandidates = [
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  resolve(dirname(process.execPath), '..', 'include', 'node'),
  process.config.variables.node_prefix && join(process.config.variables.node_prefix, 'include', 'node'),
].filter(Boolean);
const include = includeCandidates.find((d) => existsSync(join(d, 'node_api.h')));
if (!include) fail(`Node's headers (node_api.h) not found in ${includeCandidates.join(', ')}`);

const isX64 = arch() === 'x64';
const common = ['-O3', '-fPIC', '-std=c++17', '-fno-exceptions', '-fvisibility=hidden'];
// Kernels once per vector width; the wider builds are optional (an old compiler may lack the flags).
const kernelBuilds = [
  ...(isX64 ? [{ vw: 16, flags: ['-mavx512f', '-mavx2', '-mfma'], optional: true }] : []),
  ...(isX64 ? [{ vw: 8, flags: ['-mavx2', '-mfma'], optional: true }] : []),
  { vw: 4, flags: [], optional: false },
];
tmp = join(outDir, `tmp-${process.pid}`);
mkdirSync(tmp, { recursive: true });

function run(cmd, argv) {
  return new Promise((done) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => done({ ok: code === 0, err }));
    p.on('error', (e) => done({ ok: false, err: String(e) }));
  });
}

const t0 = Date.now();
// Every object file in parallel: the kernels once per vector width, and the memory-bound kernels with baseline
// flags (the compiler vectorises their loops).
const plainNames = ['tensor-kernels', 'rista-kernels', 'edl-alloc', 'conv-algorithm'];
const [results, plain] = await Promise.all([
  Promise.all(
    kernelBuilds.map(async (k) => {
      const obj = join(tmp, `k${k.vw}.o`);
      const r = await run(compiler, [
        ...common,
        ...k.flags,
        `-DEDL_VW=${k.vw}`,
        '-c',
        join(src, 'conv-kernels.cc'),
        '-o',
        obj,
      ]);
      return { ...k, obj, ...r };
    }),
  ),
  Promise.all(
    plainNames.map(async (name) => {
      const obj = join(tmp, `${name}.o`);
      // -fno-trapping-math: no FP exception flags are read, so the NaN-exact selects of these loops vectorise
      // (values, NaN and Inf included, are unchanged)
      const flags = [...common, '-fno-trapping-math'];
      return { name, obj, ...(await run(compiler, [...flags, '-c', join(src, `${name}.cc`), '-o', obj])) };
    }),
  ),
]);
for (const r of results) if (!r.ok && !r.optional) fail(`${compiler} failed on conv-kernels.cc:\n${r.err}`);
for (const r of plain) if (!r.ok) fail(`${compiler} failed on ${r.name}.cc:\n${r.err}`);
const plainObjs = plain.map((r) => r.obj);
const built = results.filter((r) => r.ok);
const defines = built.filter((r) => r.vw !== 4).map((r) => `-DEDL_HAVE_VW${r.vw}`);
const addonObj = join(tmp, 'addon.o');
const a = await run(compiler, [...common, ...defines, `-I${include}`, '-c', join(src, 'addon.cc'), '-o', addonObj]);
if (!a.ok) fail(`${compiler} failed on addon.cc:\n${a.err}`);
const linked = join(tmp, 'edl_native.node');
const l = await run(compiler, [
  '-shared',
  '-pthread',
  '-o',
  linked,
  addonObj,
  ...plainObjs,
  ...built.map((r) => r.obj),
]);
if (!l.ok) fail(`linking failed:\n${l.err}`);
if (!loads(linked)) fail('the built addon does not load in this Node');
renameSync(linked, target);
rmSync(tmp, { recursive: true, force: true });
const info = createRequire(import.meta.url)(target).info();
console.error(
  `[@edl/ops] native conv kernels built (${info.isa}, ${((Date.now() - t0) / 1000).toFixed(1)} s): ${target}`,
);

function loads(file) {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)}).info()`], { stdio: 'ignore' });
  return r.status === 0;
}
