/** A progress display for one epoch's steps. */
export interface ProgressBar {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * Starts a {@link ProgressBar} for `total` units labelled `label`: the trainer's `progress` option. `progressBar`
 * of `@edl/training/node` draws one on a terminal; a page can update its own element.
 */
export type ProgressFactory = (label: string, total: number) => ProgressBar;
