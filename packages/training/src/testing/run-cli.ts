import { vi } from 'vitest';
import { runCli } from '../cli/main.ts';

/**
 * Runs the `edl` CLI in-process with `env` added to `process.env` (restored after), capturing what it prints: the exit
 * code, and stdout / stderr, from `console.log` / `console.error` and from direct `process.stdout.write` /
 * `process.stderr.write` (progress bars, tfjs' own warnings). Clears `process.exitCode` first, so an earlier
 * command's code does not leak into this one.
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
  const write = (append: (s: string) => void) => (chunk: unknown) => {
    append(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(
    write((s) => {
      out += s;
    }),
  );
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(
    write((s) => {
      err += s;
    }),
  );
  process.exitCode = undefined;
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { code: await runCli(args), out, err };
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    log.mockRestore();
    error.mockRestore();
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
