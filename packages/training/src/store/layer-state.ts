import { type DictConv2D, isDictLayer } from '@edl/layers';
import * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors/training-error.ts';

/** One dictionary layer's step-size state (see `DictConv2D.getStepSizeState` of `@edl/layers`) as plain data. */
export interface SavedStepSizeState {
  /** Path of the layer in the model: its name, prefixed by the names of enclosing nested models (`outer/inner`). */
  layer: string;
  trainingCalls: number;
  /** The power iteration's warm-start vector, or null when the next refresh starts cold. */
  warmStart: { shape: [number, number, number, number]; values: Float32Array } | null;
}

/**
 * What a checkpoint keeps of a model beyond its weights, so that a resumed run continues bit for bit: the step-size
 * state of every `DictConv2D` (a loaded model would otherwise restart the power iteration cold and get a step size
 * that differs in the last bits). Empty for models without dictionary layers.
 */
export type LayerState = SavedStepSizeState[];

/** Layout of {@link LayerState} in a checkpoint's `state.json`; the vectors go to a float32 file in this order. */
export interface LayerStateManifestEntry {
  layer: string;
  trainingCalls: number;
  /** Shape of the warm-start vector in the binary file, or null when there is none. */
  shape: [number, number, number, number] | null;
}

function dictLayersByPath(model: tf.LayersModel): Map<string, DictConv2D> {
  const out = new Map<string, DictConv2D>();
  const visit = (layer: tf.layers.Layer, prefix: string) => {
    const path = `${prefix}${layer.name}`;
    if (layer instanceof tf.LayersModel) for (const inner of layer.layers) visit(inner, `${path}/`);
    else if (isDictLayer(layer)) out.set(path, layer);
  };
  for (const layer of model.layers) visit(layer, '');
  return out;
}

/** Reads the step-size state of every dictionary layer of `model` (awaited reads: every backend, WebGPU included). */
export async function captureLayerState(model: tf.LayersModel): Promise<LayerState> {
  const out: LayerState = [];
  for (const [layer, dict] of dictLayersByPath(model)) {
    const { trainingCalls, warmStart } = dict.getStepSizeState();
    if (warmStart === null) {
      out.push({ layer, trainingCalls, warmStart: null });
      continue;
    }
    try {
      const values = (await warmStart.data()) as Float32Array;
      out.push({ layer, trainingCalls, warmStart: { shape: [...warmStart.shape] as never, values } });
    } finally {
      warmStart.dispose();
    }
  }
  return out;
}

/**
 * Gives every dictionary layer of `model` its saved step-size state. The state must name exactly the model's
 * dictionary layers (a checkpoint of another model is refused); `where` names the source in errors.
 */
export function restoreLayerState(model: tf.LayersModel, state: LayerState, where: string): void {
  const layers = dictLayersByPath(model);
  const saved = new Set(state.map((s) => s.layer));
  const missing = [...layers.keys()].filter((name) => !saved.has(name));
  const extra = [...saved].filter((name) => !layers.has(name));
  if (missing.length > 0 || extra.length > 0 || saved.size !== state.length) {
    throw new TrainingError(
      'invalid-input',
      'model',
      `${where}: the saved layer state does not match the model's dictionary layers` +
        (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length > 0 ? `; not in the model: ${extra.join(', ')}` : '') +
        (saved.size !== state.length ? '; a layer is listed twice' : ''),
    );
  }
  for (const s of state) {
    const vector = s.warmStart ? tf.tensor4d(s.warmStart.values, s.warmStart.shape, 'float32') : null;
    try {
      layers.get(s.layer)!.setStepSizeState({ trainingCalls: s.trainingCalls, warmStart: vector });
    } catch (error) {
      throw new TrainingError('invalid-file', 'layers', `${where}: layer '${s.layer}': ${(error as Error).message}`);
    } finally {
      vector?.dispose();
    }
  }
}

/** Splits a {@link LayerState} into its JSON manifest and the float32 bytes of its vectors (in manifest order). */
export function encodeLayerState(state: LayerState): { manifest: LayerStateManifestEntry[]; bytes: Uint8Array } {
  const total = state.reduce((sum, s) => sum + (s.warmStart?.values.length ?? 0), 0);
  const all = new Float32Array(total);
  let offset = 0;
  const manifest = state.map((s) => {
    if (s.warmStart) {
      all.set(s.warmStart.values, offset);
      offset += s.warmStart.values.length;
    }
    return { layer: s.layer, trainingCalls: s.trainingCalls, shape: s.warmStart ? [...s.warmStart.shape] : null };
  }) as LayerStateManifestEntry[];
  return { manifest, bytes: new Uint8Array(all.buffer) };
}

const isShape = (v: unknown): v is [number, number, number, number] =>
  Array.isArray(v) && v.length === 4 && v.every((d) => Number.isInteger(d) && d > 0 && d <= 2 ** 24);

/**
 * The inverse of {@link encodeLayerState}, validating everything: a manifest that is not a list of
 * `{ layer, trainingCalls, shape }` entries, a byte count that does not match it, or a NaN / Inf value is refused with
 * an error naming `manifestWhere` / `bytesWhere`.
 */
export function decodeLayerState(
  manifest: unknown,
  bytes: Uint8Array,
  manifestWhere: string,
  bytesWhere: string,
): LayerState {
  const bad = (what: string) => new TrainingError('invalid-file', 'layers', `${manifestWhere}: 'layers' ${what}`);
  if (!Array.isArray(manifest)) throw bad(`must be a list of layer states, got ${JSON.stringify(manifest)}`);
  let need = 0;
  for (const [i, entry] of manifest.entries()) {
    const e = entry as Partial<LayerStateManifestEntry> | null;
    if (e === null || typeof e !== 'object' || typeof e.layer !== 'string' || e.layer === '') {
      throw bad(`[${i}] must be { layer, trainingCalls, shape } with a layer name, got ${JSON.stringify(entry)}`);
    }
    if (!Number.isSafeInteger(e.trainingCalls) || (e.trainingCalls as number) < 0) {
      throw bad(`[${i}] (${e.layer}): trainingCalls must be an integer >= 0, got ${JSON.stringify(e.trainingCalls)}`);
    }
    if (e.shape !== null && !isShape(e.shape)) {
      throw bad(`[${i}] (${e.layer}): shape must be null or 4 positive integers, got ${JSON.stringify(e.shape)}`);
    }
    need += e.shape ? e.shape.reduce((a, b) => a * b, 1) : 0;
  }
  if (bytes.byteLength !== need * 4) {
    throw new TrainingError(
      'invalid-file',
      'layers',
      `${bytesWhere} has ${bytes.byteLength} bytes, ${manifestWhere} describes ${need} float32 values (${need * 4} bytes)`,
    );
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const nonFinite = all.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) {
    throw new TrainingError(
      'invalid-file',
      'layers',
      `${bytesWhere} holds ${all[nonFinite]} at value ${nonFinite}: a finite state was expected (a damaged file, ` +
        'or a run that diverged before this checkpoint)',
    );
  }
  let offset = 0;
  return (manifest as LayerStateManifestEntry[]).map((e) => {
    if (e.shape === null) return { layer: e.layer, trainingCalls: e.trainingCalls, warmStart: null };
    const size = e.shape.reduce((a, b) => a * b, 1);
    const values = all.slice(offset, offset + size);
    offset += size;
    return { layer: e.layer, trainingCalls: e.trainingCalls, warmStart: { shape: [...e.shape], values } };
  }) as LayerState;
}
