import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The code a user copies from a README must compile against the packages as they are now. This test takes the
// root README's tour and the main example of every package README (the first ```ts block after the heading
// "## A short tour" / "## Example..." / "## Library example"), writes each to a file and type-checks them all in
// one `tsc` run with the root tsconfig, where `@edl/*` resolves to the packages' sources through the
// `@edl/source` condition (no build needed). It type-checks only: running them takes minutes (training), and the
// quickstart and layer examples already run in examples.test.ts.

const root = join(import.meta.dirname, '..');
// Inside examples/node_modules, so `@edl/*` and `@tensorflow/tfjs` resolve as from examples/; ignored by git,
// biome and the root tsconfig.
const scratch = join(root, 'examples', 'node_modules', '.cache', 'readme-examples');

interface ReadmeExample {
  /** Name of the extracted file, e.g. `packages-ops.ts`. */
  file: string;
  /** README path relative to the repository root. */
  readme: string;
  /** 1-based README line of the block's first code line. */
  firstLine: number;
  code: string;
}

const MAIN_EXAMPLE_HEADING = /^## (A short tour|Example\b|Library example\b)/;

/** The first ```ts block after the first heading matching {@link MAIN_EXAMPLE_HEADING}, or undefined. */
function mainExample(readme: string): ReadmeExample | undefined {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const heading = lines.findIndex((line) => MAIN_EXAMPLE_HEADING.test(line));
  if (heading < 0) return undefined;
  const open = lines.findIndex((line, i) => i > heading && /^```(ts|typescript)\s*$/.test(line));
  if (open < 0) return undefined;
  const close = lines.findIndex((line, i) => i > open && /^```\s*$/.test(line));
  if (close < 0) return undefined;
  const file = `${readme.replace(/\/?README\.md$/, '').replaceAll('/', '-') || 'root'}.ts`;
  return { file, readme, firstLine: open + 2, code: `${lines.slice(open + 1, close).join('\n')}\n` };
}

const packageReadmes = readdirSync(join(root, 'packages'))
  .sort()
  .map((name) => `packages/${name}/README.md`);
const readmes = ['README.md', ...packageReadmes];
const examples = readmes.map((readme) => ({ readme, example: mainExample(readme) }));

describe('README examples', () => {
  const errors = new Map<string, string[]>();

  beforeAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(scratch, join(root, 'tsconfig.json')),
        compilerOptions: { typeRoots: [relative(scratch, join(root, 'node_modules', '@types'))] },
        include: ['*.ts'],
      }),
    );
    for (const { example } of examples) if (example) writeFileSync(join(scratch, example.file), example.code);
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', scratch, '--pretty', 'false'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    // Map `file.ts(line,col): error ...` back to README lines; anything unparsed is kept under '*'.
    const byFile = new Map(examples.flatMap(({ example }) => (example ? [[example.file, example] as const] : [])));
    let last = '*';
    for (const line of `${result.stdout}${result.stderr}`.split('\n').filter(Boolean)) {
      if (/^\s/.test(line)) {
        // A continuation line of the previous diagnostic.
        errors.set(last, [...(errors.get(last) ?? []), line.trim()]);
        continue;
      }
      const match = /^([^(]+)\((\d+),(\d+)\): (error .*)$/.exec(line);
      const example = match ? byFile.get(match[1] ?? '') : undefined;
      const key = example?.file ?? '*';
      const where = example && match ? `${example.readme}:${example.firstLine + Number(match[2]) - 1}` : '';
      errors.set(key, [...(errors.get(key) ?? []), where ? `${where}: ${match?.[4]}` : line]);
      last = key;
    }
    if (result.status !== 0 && errors.size === 0) errors.set('*', [`tsc exited with ${result.status}`]);
  }, 180_000);

  it.each(examples)('$readme has a main TypeScript example', ({ example }) => {
    expect(example?.code.length ?? 0).toBeGreaterThan(0);
  });

  it.each(examples.filter(({ example }) => example))('$readme: the example type-checks', ({ example }) => {
    expect(errors.get(example?.file ?? '') ?? []).toEqual([]);
  });

  it('tsc reported nothing outside the examples', () => {
    expect(errors.get('*') ?? []).toEqual([]);
  });
});
