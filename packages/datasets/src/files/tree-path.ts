import { DatasetError } from '../core/dataset-error.ts';
/**
 * Resolves a relative, `/`-separated path that a data file names (an annotation line, a listing) against the dataset
 * root: `.` and empty segments are dropped, `..` climbs one folder. Throws, naming `where`, when the path is absolute
 * (`/x`, `C:\x`, `\\server`), contains a backslash or a NUL byte, or climbs above the root: such a path would read a
 * file from outside the dataset.
 *
 * @param path - the path as the data file names it.
 * @param where - names the data file (and line) in the error.
 * @returns the normalised path inside the root (no leading `./`, no `..`).
 */
export function pathInsideRoot(path: string, where: string): string {
  const refuse = (why: string) =>
    new DatasetError(
      'invalid-file',
      'path',
      `${where}: path ${JSON.stringify(path)} ${why}; every path a data file names must stay inside the dataset root`,
    );
  if (typeof path !== 'string' || path === '') throw refuse('is empty');
  if (path.includes('\\') || path.includes('\0')) throw refuse('contains a backslash or NUL byte');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw refuse('is absolute');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) throw refuse('climbs above the root');
      out.pop();
    } else out.push(segment);
  }
  if (out.length === 0) throw refuse('names the root itself');
  return out.join('/');
}
