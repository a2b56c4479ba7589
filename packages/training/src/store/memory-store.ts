import { loadModel, saveModel } from '@edl/models';
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from './epoch-metrics.ts';
import type { LayerState } from './layer-state.ts';
import type { StoredCheckpoint, TrainerState, TrainingStore } from './training-store.ts';

/** A {@link TrainingStore} in memory, with what it holds readable. */
export interface MemoryStore extends TrainingStore {
  /** Every epoch's metrics so far. */
  readonly metrics: readonly EpochMetrics[];
  /** The best model of early stopping as a fresh model (the caller owns it), or null when none was saved. */
  loadBest(): Promise<tf.LayersModel | null>;
}

async function toArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let out: tf.io.ModelArtifacts | undefined;
  await saveModel(
    model,
    tf.io.withSaveHandler(async (artifacts) => {
      out = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return out!;
}

const copyLayerState = (layers: LayerState): LayerState =>
  layers.map((l) => ({
    ...l,
    warmStart: l.warmStart && { shape: [...l.warmStart.shape], values: l.warmStart.values.slice() },
  }));

/**
 * A {@link TrainingStore} that keeps the latest checkpoint, the best model and the metrics in memory, as serialised
 * model artifacts (so a resumed run gets a fresh model, as from disk). Works everywhere, browsers included; a page
 * can persist {@link MemoryStore.loadBest}'s model with `saveModel(model, 'indexeddb://...')` of `@edl/models`.
 *
 * @example
 * const store = memoryStore();
 * await train({ ...options, store });
 * const again = await train({ ...options, model: fresh, store, resume: true }); // continues from the checkpoint
 */
export function memoryStore(): MemoryStore {
  const metrics: EpochMetrics[] = [];
  let checkpoint: {
    artifacts: tf.io.ModelArtifacts;
    optimizer: (Float32Array | null)[];
    state: TrainerState;
    layers: LayerState | undefined;
  } | null = null;
  let best: tf.io.ModelArtifacts | null = null;
  return {
    description: 'memory',
    metrics,
    async saveCheckpoint({ model, optimizer, state, layers }: StoredCheckpoint) {
      checkpoint = {
        artifacts: await toArtifacts(model),
        optimizer: optimizer.buffers.map((b) => (b == null ? null : b.slice())),
        state: { ...state },
        layers: layers && copyLayerState(layers),
      };
    },
    async loadCheckpoint() {
      if (checkpoint === null) return null;
      return {
        model: await loadModel(tf.io.fromMemory(checkpoint.artifacts)),
        optimizer: { buffers: checkpoint.optimizer.map((b) => (b == null ? null : b.slice())) },
        state: { ...checkpoint.state },
        ...(checkpoint.layers ? { layers: copyLayerState(checkpoint.layers) } : {}),
      };
    },
    async saveBest(model) {
      best = await toArtifacts(model);
    },
    async loadBest() {
      return best === null ? null : loadModel(tf.io.fromMemory(best));
    },
    async appendMetrics(m) {
      metrics.push({ ...m, betas: { ...m.betas } });
    },
  };
}
