import cliProgress from 'cli-progress';
import type { ProgressBar } from './progress-reporter.ts';

/**
 * Starts a terminal progress bar with ETA on stderr for `total` units labelled `label` (Node); quiet unless stderr is a
 * TTY (or `enabled` forces it), so logs, CI and tests stay clean. Pass it as the trainer's `progress` option.
 */
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
