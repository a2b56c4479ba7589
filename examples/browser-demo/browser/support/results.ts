import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the browser tests leave their measurements and the demo screenshot (EDL_BROWSER_OUT, else a temp dir). */
export const RESULTS_DIR = process.env.EDL_BROWSER_OUT ?? join(tmpdir(), 'edl-browser-results');

/** Merges `value` under `key` into RESULTS_DIR/results.json and prints it. */
export function recordResult(key: string, value: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'results.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[key] = value;
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[browser] ${key}: ${JSON.stringify(value)}`);
}
