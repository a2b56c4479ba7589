import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChangeset } from './changeset-format.mjs';

const root = join(import.meta.dirname, '..');
const PACKAGES = ['@edl/ops', '@edl/training'];
const check = (text) => parseChangeset(text, 'c.md', PACKAGES);

// changesets' own parser (@changesets/cli -> @changesets/read -> @changesets/parse), as the independent reference
const fromCli = createRequire(createRequire(join(root, 'package.json')).resolve('@changesets/cli/package.json'));
const fromRead = createRequire(fromCli.resolve('@changesets/read'));
const { default: changesetsParse } = fromRead('@changesets/parse');

describe('changeset format check', () => {
  it('accepts every changeset of the repository, reading the same releases as changesets itself', () => {
    const names = readdirSync(join(root, 'packages')).flatMap((d) => {
      try {
        const pkg = JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8'));
        return pkg.private ? [] : [pkg.name];
      } catch {
        return [];
      }
    });
    const files = readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(join(root, '.changeset', f), 'utf8');
      const ours = parseChangeset(text, f, names);
      expect(ours.errors, f).toEqual([]);
      const theirs = changesetsParse(text);
      expect(ours.releases, f).toEqual(theirs.releases);
      expect(theirs.summary.length, f).toBeGreaterThan(0);
    }
  });

  it('accepts quoted and unquoted names, several packages, CRLF', () => {
    const ok = check('---\n"@edl/ops": minor\n@edl/training: patch\n---\n\nFaster kernels.\n');
    expect(ok).toEqual({
      releases: [
        { name: '@edl/ops', type: 'minor' },
        { name: '@edl/training', type: 'patch' },
      ],
      errors: [],
    });
    expect(check("---\r\n'@edl/ops': major\r\n---\r\nBreaking.\r\n").errors).toEqual([]);
  });

  it('refuses malformed changesets, naming the file, the line and what was expected', () => {
    // third column: what changesets' own parser does (it knows no package names, takes "none" and empty summaries)
    const cases = [
      ['Just a summary.\n', /c\.md: no front matter: the file must start with a line "---"/, 'rejects'],
      ['---\n"@edl/ops": minor\nNo closing line.\n', /c\.md: no front matter/, 'rejects'],
      ['---\n---\n\nSummary.\n', /c\.md: the front matter names no package/, 'accepts'],
      [
        '---\n"@edl/opz": minor\n---\n\nTypo.\n',
        /c\.md:2: unknown package "@edl\/opz" \(known: @edl\/ops, @edl\/training\)/,
        'accepts',
      ],
      [
        '---\n"@edl/ops": mayor\n---\n\nTypo.\n',
        /c\.md:2: bump "mayor" for @edl\/ops: expected major, minor, patch/,
        'rejects',
      ],
      ['---\n"@edl/ops": none\n---\n\nNothing.\n', /bump "none" for @edl\/ops/, 'accepts'],
      ['---\n"@edl/ops": minor\n"@edl/ops": patch\n---\n\nTwice.\n', /c\.md:3: @edl\/ops is named twice/, 'rejects'],
      [
        '---\n"@edl/ops" minor\n---\n\nNo colon.\n',
        /c\.md:2: expected "<package>": <bump>, got "\\"@edl\/ops\\" minor"/,
        'rejects',
      ],
      ['---\n"@edl/ops": minor\n---\n\n  \n', /c\.md: no summary after the front matter/, 'accepts'],
    ];
    for (const [text, message, reference] of cases) {
      expect(check(text).errors.join('\n'), text).toMatch(message);
      let theirs = 'accepts';
      try {
        changesetsParse(text);
      } catch {
        theirs = 'rejects';
      }
      expect(theirs, text).toBe(reference);
    }
  });

  it('check-changesets.mjs fails a clone whose changeset is malformed, and passes a clean one', () => {
    const repo = mkdtempSync(join(tmpdir(), 'edl-changesets-'));
    for (const d of ['scripts', '.changeset']) cpSync(join(root, d), join(repo, d), { recursive: true });
    for (const d of readdirSync(join(root, 'packages'))) {
      try {
        cpSync(join(root, 'packages', d, 'package.json'), join(repo, 'packages', d, 'package.json'));
      } catch {}
    }
    const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one commit');
    const run = () => {
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, ['scripts/check-changesets.mjs'], {
            cwd: repo,
            encoding: 'utf8',
            stdio: 'pipe',
          }),
        };
      } catch (error) {
        return { code: error.status, out: `${error.stdout}${error.stderr}` };
      }
    };
    const clean = run();
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toMatch(/\d+ changeset files well-formed/);
    expect(clean.out).toContain('single-commit clone');
    writeFileSync(join(repo, '.changeset', 'bad.md'), '---\n"@edl/training": minr\n---\n\nx\n');
    const bad = run();
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('.changeset/bad.md:2: bump "minr" for @edl/training: expected major, minor, patch');
  });
});
