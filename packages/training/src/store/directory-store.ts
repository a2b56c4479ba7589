import { join } from 'node:path';
import { TrainingError } from '../errors/training-error.ts';
import { defaultStore, hasCheckpoint, type ModelStore, readCheckpoint, writeCheckpoint } from './checkpoint-store.ts';
import { appendMetrics, truncateMetrics } from './metrics-log.ts';
import type { TrainingStore } from './training-store.ts';

/** Options of {@link directoryStore}. */
export interface DirectoryStoreOptions {
  /** How models are written and read (default {@link defaultStore}: `model.json` + `weights-<hash>.bin`, replaced as one unit). */
  models?: ModelStore;
}

/**
 * The Node {@link TrainingStore}: `outDir/checkpoints/` (atomic checkpoints behind `latest.json`, see
 * `writeCheckpoint`), `outDir/metrics.jsonl` (one JSON line per epoch) and `outDir/best/` (early stopping).
 * Loading a checkpoint (resume) truncates `metrics.jsonl` to the epochs the checkpoint completed, so a kill between
 * the metrics append and the checkpoint leaves no duplicate epoch lines.
 *
 * @example
 * await train({ ...options, store: directoryStore('runs/edl'), resume: true });
 */
export function directoryStore(outDir: string, options: DirectoryStoreOptions = {}): TrainingStore {
  if (typeof outDir !== 'string' || outDir === '')
    throw new TrainingError('invalid-option', 'outDir', 'directoryStore: outDir must be a non-empty path');
  const models = options.models ?? defaultStore;
  const root = join(outDir, 'checkpoints');
  return {
    description: outDir,
    async saveCheckpoint({ model, optimizer, state, layers }) {
      await writeCheckpoint(root, model, optimizer, state, models, layers);
    },
    async loadCheckpoint() {
      const checkpoint = hasCheckpoint(root) ? await readCheckpoint(root, models) : null;
      // Metrics are appended before the checkpoint that follows them: a kill in between leaves lines the resumed run
      // writes again. Keep only the epochs the checkpoint has completed.
      const epochs = checkpoint?.state.epoch ?? 0;
      const metricsPath = join(outDir, 'metrics.jsonl');
      const dropped = truncateMetrics(metricsPath, epochs);
      if (dropped > 0) {
        console.error(
          `resume: dropped ${dropped} line(s) after epoch ${epochs} from ${metricsPath} (no checkpoint had them)`,
        );
      }
      return checkpoint;
    },
    async saveBest(model) {
      await models.save(model, join(outDir, 'best'));
    },
    async appendMetrics(metrics) {
      appendMetrics(join(outDir, 'metrics.jsonl'), metrics);
    },
  };
}
