import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test helper (not exported by the package): the project's shared data folder, found as `../shared/data` from
 * the repository root, which is four levels above this file. `undefined` when it is absent.
 */
export const SHARED_DATA: string | undefined = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '../../../../../shared/data');
  return existsSync(dir) ? dir : undefined;
})();

/** Absolute path of a file in the shared data folder (only valid when {@link SHARED_DATA} is defined). */
export function sharedData(rel: string): string {
  return resolve(SHARED_DATA ?? '/nonexistent', rel);
}

/** Message for skipped real-data tests. */
export const NO_SHARED_DATA = 'shared data folder ../shared/data not found: real-data tests skipped';

if (!SHARED_DATA) console.warn(NO_SHARED_DATA);
