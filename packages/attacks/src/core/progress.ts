import cliProgress from 'cli-progress';

/** A progress reporter; see {@link createProgress}. */
export interface Progress {
  /** Advances by `n` units (default 1). */
  tick(n?: number): void;
  /** Sets the absolute position. */
  update(done: number): void;
  /** Finishes and releases the terminal. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Label shown before the bar. */
  label?: string;
  /** Force on (true) or off (false). Default: on only when stderr is a TTY. */
  enabled?: boolean;
  /** Stream to draw on (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

const noop: Progress = { tick: () => {}, update: () => {}, stop: () => {} };

/**
 * A progress bar with ETA on a TTY (cli-progress); a silent no-op when output is not a terminal (CI, pipes, tests)
 * or outside Node.
 */
export function createProgress(total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? (typeof process !== 'undefined' && process.stderr ? process.stderr : undefined);
  const enabled = options.enabled ?? Boolean(stream?.isTTY);
  if (!enabled || stream === undefined || total <= 0) return noop;
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label ?? 'progress'} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      stream,
      hideCursor: false,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let done = 0;
  return {
    tick: (n = 1) => {
      done += n;
      bar.update(done);
    },
    update: (value) => {
      done = value;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}
