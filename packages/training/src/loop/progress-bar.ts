import cliProgress from 'cli-progress';

/** A progress bar with ETA on stderr that does nothing when stderr is not a TTY (logs, CI, tests). */
export interface ProgressBar {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/** Starts a progress bar for `total` units labelled `label`; quiet unless stderr is a TTY (or `enabled` forces it). */
export function progressBar(
  label: string,
  total: number,
  enabled: boolean = process.stderr.isTTY === true,
): ProgressBar {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {info}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update(value, payload) {
      bar.update(value, {
        info: payload
          ? Object.entries(payload)
              .map(([k, v]) => `${k} ${v}`)
              .join(' ')
          : '',
      });
    },
    stop() {
      bar.stop();
    },
  };
}
