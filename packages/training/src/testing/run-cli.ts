import { vi } from 'vitest';
import { runCli } from '../cli/main.ts';

/**
 * Runs the `edl` CLI in-process with `env` added to `process.env` (restored after), capturing what it logs: the exit
 * code, stdout and stderr lines. Clears `process.exitCode` first, so an earlier command's code does not leak into this one.
 */
export async function runCliCaptured(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  process.exitCode = undefined;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { code: await runCli(args), out, err };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    log.mockRestore();
    error.mockRestore();
  }
}
