// Changeset guardrail, two checks:
// 1. every .changeset/*.md is well-formed (front matter of "<package>": <bump> lines naming public workspace packages
//    once each with major, minor or patch, then a non-empty summary): meaningful on any clone, also a clean main;
// 2. a package's src/ changed (non-test files) since a base commit needs a changeset added in that range naming the
//    package. Base: $EDL_CHANGESET_BASE, else `git merge-base HEAD origin/main` when origin/main exists, else HEAD~1;
//    skipped (saying so) in a single-commit clone.
// Usage: node scripts/check-changesets.mjs   (run by .ci/steps/changesets.sh)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChangeset } from './changeset-format.mjs';

const root = new URL('..', import.meta.url).pathname;
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const tryGit = (...args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

function baseCommit() {
  const fromEnv = process.env.EDL_CHANGESET_BASE;
  if (fromEnv) {
    const sha = tryGit('rev-parse', '--verify', `${fromEnv}^{commit}`);
    if (!sha) throw new Error(`EDL_CHANGESET_BASE=${fromEnv} is not a commit of this clone`);
    return { sha, why: `EDL_CHANGESET_BASE=${fromEnv}` };
  }
  if (tryGit('rev-parse', '--verify', 'origin/main^{commit}')) {
    const sha = tryGit('merge-base', 'HEAD', 'origin/main');
    if (sha) return { sha, why: 'git merge-base HEAD origin/main' };
  }
  const parent = tryGit('rev-parse', '--verify', 'HEAD~1^{commit}');
  if (!parent) return undefined;
  return { sha: parent, why: 'HEAD~1 (no origin/main)' };
}

const TEST_FILE = /(\.test|\.property\.test|\.bench)\.[cm]?[jt]sx?$/;

/** Package folder -> npm name, for every packages/* with a package.json that is not private. */
function publicPackages() {
  const out = new Map();
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (!pkg.private) out.set(dir, pkg.name);
  }
  return out;
}

const packages = publicPackages();
const packageNames = [...packages.values()];

// 1. every changeset file well-formed
const changesetFiles = readdirSync(join(root, '.changeset'))
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .sort();
const formatErrors = changesetFiles.flatMap(
  (f) => parseChangeset(readFileSync(join(root, '.changeset', f), 'utf8'), `.changeset/${f}`, packageNames).errors,
);
if (formatErrors.length > 0) {
  for (const e of formatErrors) console.error(`check-changesets: ${e}`);
  console.error(`check-changesets: ${formatErrors.length} problem(s) in ${changesetFiles.length} changeset files`);
  process.exit(1);
}
console.log(
  `check-changesets: ${changesetFiles.length} changeset files well-formed (packages: ${packageNames.join(', ')})`,
);

const base = baseCommit();
if (!base) {
  console.log('check-changesets: no base commit (a single-commit clone): the per-package diff check is skipped');
  process.exit(0);
}
const changed = git('diff', '--name-only', '--diff-filter=ACMRD', `${base.sha}...HEAD`).split('\n').filter(Boolean);
const added = git('diff', '--name-only', '--diff-filter=AM', `${base.sha}...HEAD`, '--', '.changeset')
  .split('\n')
  .filter((f) => /^\.changeset\/[^/]+\.md$/.test(f) && !f.endsWith('README.md'));
const covered = new Set(
  added
    .filter((f) => existsSync(join(root, f)))
    .flatMap((f) => parseChangeset(readFileSync(join(root, f), 'utf8'), f, packageNames).releases.map((r) => r.name)),
);

const missing = [];
for (const [dir, name] of packages) {
  const prefix = `packages/${dir}/src/`;
  const files = changed.filter((f) => f.startsWith(prefix) && !TEST_FILE.test(f) && !f.startsWith(`${prefix}testing/`));
  if (files.length > 0 && !covered.has(name)) missing.push({ name, files });
}

console.log(`check-changesets: base ${base.sha.slice(0, 12)} (${base.why}); changesets added: ${added.length}`);
if (missing.length === 0) {
  console.log('check-changesets: every package whose src/ changed has a changeset');
  process.exit(0);
}
for (const { name, files } of missing) {
  console.error(`check-changesets: ${name} changed without a changeset naming it:`);
  for (const f of files.slice(0, 10)) console.error(`  ${f}`);
  if (files.length > 10) console.error(`  ... and ${files.length - 10} more`);
}
console.error('Fix: add .changeset/<short-name>.md (`npx changeset`) naming each package above with its bump.');
process.exit(1);
