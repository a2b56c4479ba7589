import { TrainingError } from '../errors/training-error.ts';

/**
 * `err` itself, or, when it is an out-of-memory error of the backend (`code` 'out-of-memory', e.g. the wasm heap's
 * 4 GB), a {@link TrainingError} of the same code that names this step's batch size and the `accumulate` setting
 * that fits it in less memory (the backend's message and fixes follow; the original error is its `cause`).
 */
export function outOfMemoryHint(err: unknown, batch: number, accumulate: number): unknown {
  if ((err as { code?: unknown } | null)?.code !== 'out-of-memory' || err instanceof TrainingError) return err;
  const micro = Math.ceil(batch / accumulate);
  if (micro <= 1) return err;
  const next = Math.min(batch, accumulate * 2);
  const now = accumulate > 1 ? ` with accumulate ${accumulate} (micro-batches of ${micro})` : '';
  const e = new TrainingError(
    'out-of-memory',
    'batchSize',
    `train: out of memory in a training step at batch size ${batch}${now}. Set accumulate: ${next} ` +
      `(edl train --accumulate ${next}) for micro-batches of ${Math.ceil(batch / next)} with the same effective ` +
      `batch, or lower the batch size. ${(err as Error).message}`,
  );
  (e as { cause?: unknown }).cause = err;
  return e;
}
