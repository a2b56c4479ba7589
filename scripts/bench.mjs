// Runs every package's benchmark (packages/*/bench/index.ts) in its own process, one after the other, so that
// timings do not disturb each other. Each writes .bench/<package>.json; this script merges them into
// .bench/all.json. Usage: pnpm bench [package ...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages')).filter(
  (p) => existsSync(join(root, 'packages', p, 'bench', 'index.ts')) && (only.length === 0 || only.includes(p)),
);
mkdirSync(join(root, '.bench'), { recursive: true });
const all = {};
for (const p of packages) {
  console.log(`\n=== bench: @edl/${p} ===`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=@edl/source', '--import', 'tsx', join('packages', p, 'bench', 'index.ts')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) {
    console.error(`bench for @edl/${p} failed with exit code ${r.status}`);
    process.exitCode = 1;
    continue;
  }
  const file = join(root, '.bench', `${p}.json`);
  if (existsSync(file)) all[p] = JSON.parse(readFileSync(file, 'utf8'));
}
writeFileSync(join(root, '.bench', 'all.json'), `${JSON.stringify(all, null, 2)}\n`);
console.log(`\nwrote ${join('.bench', 'all.json')}`);
