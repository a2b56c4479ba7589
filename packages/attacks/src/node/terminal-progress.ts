import cliProgress from 'cli-progress';
import type { ProgressCallback } from '../core/progress.ts';

/** Options of {@link terminalProgress}. */
export interface TerminalProgressOptions {
  /** Force on (true) or off (false). Default: on only when the stream is a TTY. */
  enabled?: boolean;
  /** Stream to draw on (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

/**
 * A {@link ProgressCallback} that draws a bar with counts and ETA per phase (label) on a terminal (cli-progress); a
 * silent no-op when the stream is not a TTY (CI, pipes, tests) unless `enabled` is true. A phase's bar ends when
 * `done === total` or when a call with another label arrives. Node only.
 */
export function terminalProgress(options: TerminalProgressOptions = {}): ProgressCallback {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? Boolean(stream.isTTY);
  if (!enabled) return () => {};
  let bar: cliProgress.SingleBar | undefined;
  let current: { label: string; total: number } | undefined;
  return (done, total, label) => {
    if (bar === undefined || current?.label !== label || current.total !== total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
          stream,
          hideCursor: false,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      current = { label, total };
    }
    bar.update(done);
    if (done >= total) {
      bar.stop();
      bar = undefined;
      current = undefined;
    }
  };
}
