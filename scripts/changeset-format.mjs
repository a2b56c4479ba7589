// The format of a changeset file (.changeset/<name>.md), checked without dependencies:
//   ---
//   "@edl/training": minor
//   ---
//
//   What changed, for the changelog.
// Front matter: one `"<package>": <bump>` line per package (quotes optional), each a public workspace package, once;
// bump one of major, minor, patch; then a non-empty summary. Used by check-changesets.mjs.

/** The bumps a changeset may give (changesets' "none" releases nothing, so it is refused here). */
export const BUMPS = ['major', 'minor', 'patch'];

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)([\s\S]*)$/;
const RELEASE = /^(["']?)([^"'\s:]+)\1[ \t]*:[ \t]*(\S+)[ \t]*$/;

/**
 * Parses and checks one changeset. Returns its releases (package -> bump) and every problem found, each a sentence
 * naming the file and, for a front-matter line, its line number.
 * @param {string} text the file's content
 * @param {string} file the file's path, for messages
 * @param {Iterable<string>} packages the package names a changeset may name
 * @returns {{ releases: { name: string, type: string }[], errors: string[] }}
 */
export function parseChangeset(text, file, packages) {
  const known = new Set(packages);
  const errors = [];
  const releases = [];
  const m = FRONT_MATTER.exec(text);
  if (!m) {
    return {
      releases,
      errors: [
        `${file}: no front matter: the file must start with a line "---", the "<package>": <bump> lines and "---"`,
      ],
    };
  }
  const [, front, summary] = m;
  const seen = new Set();
  for (const [i, raw] of front.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${file}:${i + 2}`;
    const r = RELEASE.exec(line);
    if (!r) {
      errors.push(`${where}: expected "<package>": <bump>, got ${JSON.stringify(line)}`);
      continue;
    }
    const [, , name, type] = r;
    if (!known.has(name))
      errors.push(`${where}: unknown package ${JSON.stringify(name)} (known: ${[...known].join(', ')})`);
    if (!BUMPS.includes(type)) {
      errors.push(`${where}: bump ${JSON.stringify(type)} for ${name}: expected ${BUMPS.join(', ')}`);
    }
    if (seen.has(name)) errors.push(`${where}: ${name} is named twice`);
    seen.add(name);
    releases.push({ name, type });
  }
  if (releases.length === 0 && errors.length === 0) {
    errors.push(`${file}: the front matter names no package: add a "<package>": <bump> line`);
  }
  if (summary.trim() === '')
    errors.push(`${file}: no summary after the front matter: say what changed, for the changelog`);
  return { releases, errors };
}
