import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadModel, saveModel } from '@edl/models';
import { fileSystemHandler, atomicWriteSync as writeFileAtomic } from '@edl/models/node';
import type * as tf from '@tensorflow/tfjs';
import { TrainingError } from '../errors/training-error.ts';
import type { SgdState } from '../loop/sgd.ts';
import { decodeLayerState, encodeLayerState, type LayerState } from './layer-state.ts';
import type { StoredCheckpoint, TrainerState } from './training-store.ts';

/** A checkpoint read back by {@link readCheckpoint}: the stored checkpoint and the directory it came from. */
export interface Checkpoint extends StoredCheckpoint {
  dir: string;
}

/** How model weights are written to and read from a directory (default {@link defaultStore}). */
export interface ModelStore {
  save(model: tf.LayersModel, dir: string): Promise<unknown>;
  load(dir: string): Promise<tf.LayersModel>;
}

/** The default {@link ModelStore}: `@edl/models`' saveModel / loadModel through the atomic `fileSystemHandler`. */
export const defaultStore: ModelStore = {
  save: (model, dir) => saveModel(model, fileSystemHandler(dir)),
  load: (dir) => loadModel(fileSystemHandler(dir)),
};
const LATEST = 'latest.json';
const LAYERS_BIN = 'layers.bin';

function encodeOptimizer(state: SgdState): { manifest: number[]; bytes: Uint8Array } {
  const manifest = state.buffers.map((b) => (b == null ? -1 : b.length));
  const total = state.buffers.reduce((s, b) => s + (b?.length ?? 0), 0);
  const all = new Float32Array(total);
  let off = 0;
  for (const b of state.buffers) {
    if (b) {
      all.set(b, off);
      off += b.length;
    }
  }
  return { manifest, bytes: new Uint8Array(all.buffer) };
}

/**
 * Writes a checkpoint into a fresh directory under `root`, then atomically repoints `root/latest.json` at it
 * (temp file + rename), then prunes older checkpoint directories. A crash at any point leaves `latest.json`
 * pointing at a complete checkpoint. Files: `model/` (the {@link ModelStore}'s), `optimizer.bin`, `layers.bin`
 * (the dictionary layers' warm-start vectors of `layers`, when given) and `state.json` (written last; it describes
 * both binary files).
 */
export async function writeCheckpoint(
  root: string,
  model: tf.LayersModel,
  optimizer: SgdState,
  state: TrainerState,
  store: ModelStore = defaultStore,
  layers?: LayerState,
): Promise<string> {
  mkdirSync(root, { recursive: true });
  const name = `ckpt-e${String(state.epoch).padStart(4, '0')}-s${String(state.step).padStart(5, '0')}-${Date.now()}`;
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  await store.save(model, join(dir, 'model'));
  const { manifest, bytes } = encodeOptimizer(optimizer);
  writeFileAtomic(join(dir, 'optimizer.bin'), bytes);
  let layerManifest: object = {};
  if (layers) {
    const encoded = encodeLayerState(layers);
    writeFileAtomic(join(dir, LAYERS_BIN), encoded.bytes);
    layerManifest = { layers: encoded.manifest };
  }
  // JSON has no Infinity / NaN: they are written as strings ("-Infinity" before the first evaluation) and restored.
  const json = JSON.stringify({ version: 1, ...state, optimizer: manifest, ...layerManifest }, nonFiniteAsString, 2);
  writeFileAtomic(join(dir, 'state.json'), `${json}\n`);
  writeFileAtomic(join(root, LATEST), `${JSON.stringify({ dir: name })}\n`);
  for (const entry of readdirSync(root)) {
    if (entry.startsWith('ckpt-') && entry !== name) rmSync(join(root, entry), { recursive: true, force: true });
  }
  return dir;
}

function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

const CHECKPOINT_NAME = /^ckpt-[A-Za-z0-9_-]+$/;

/** The checkpoint directory `latest.json` names, refused unless it is a `ckpt-*` folder directly inside `root`. */
function checkpointDir(root: string, pointer: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(pointer, 'utf8'));
  } catch (error) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${pointer} is not valid JSON (${(error as Error).message})`,
    );
  }
  const name = (parsed as { dir?: unknown } | null)?.dir;
  if (typeof name !== 'string' || !CHECKPOINT_NAME.test(name)) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${pointer} names ${JSON.stringify(name)}, expected a checkpoint folder 'ckpt-…' directly inside ${root} ` +
        '(a checkpoint is only read from inside checkpoints/)',
    );
  }
  return join(root, name);
}

function readOrExplain(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${path}: ${code === 'ENOENT' ? 'missing' : 'cannot read'} (${what}): ${code ?? ''}`,
    );
  }
}

function readJsonObject(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readOrExplain(path, 'the training state').toString('utf8'));
  } catch (error) {
    if ((error as Error).message.startsWith('resume:')) throw error;
    throw new TrainingError('invalid-file', 'root', `resume: ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TrainingError('invalid-file', 'root', `resume: ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

const STATE_NUMBERS = ['epoch', 'step', 'lossSum', 'lossCount', 'best', 'sinceBest', 'seed'] as const;
/** Fields that count something: integers >= 0. */
const STATE_COUNTS = new Set<string>(['epoch', 'step', 'lossCount', 'sinceBest']);

/** Validates state.json's fields; numbers written as strings (non-finite) and a `best` of null (older files) restored. */
function parseState(raw: Record<string, unknown>, path: string): TrainerState {
  const unknown = Object.keys(raw).filter((k) => k !== 'phase' && !(STATE_NUMBERS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${path}: unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')} (expected version, epoch, step, ` +
        'phase, lossSum, lossCount, best, sinceBest, seed, optimizer and layers)',
    );
  }
  const state: Record<string, unknown> = { phase: raw.phase };
  for (const key of STATE_NUMBERS) {
    let v = raw[key];
    if (key === 'best' && v === null) v = Number.NEGATIVE_INFINITY; // written by earlier versions for -Infinity
    if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') v = Number(v);
    if (typeof v !== 'number')
      throw new TrainingError(
        'invalid-file',
        'root',
        `resume: ${path}: '${key}' must be a number, got ${JSON.stringify(v)}`,
      );
    if (STATE_COUNTS.has(key) && !(Number.isInteger(v) && v >= 0)) {
      throw new TrainingError('invalid-file', 'root', `resume: ${path}: '${key}' must be an integer >= 0, got ${v}`);
    }
    if (key === 'seed' && !Number.isInteger(v))
      throw new TrainingError('invalid-file', 'root', `resume: ${path}: 'seed' must be an integer, got ${v}`);
    if (key === 'lossSum' && !Number.isFinite(v))
      throw new TrainingError('invalid-file', 'root', `resume: ${path}: 'lossSum' must be finite, got ${v}`);
    if (key === 'best' && !(Number.isFinite(v) || v === Number.NEGATIVE_INFINITY)) {
      throw new TrainingError(
        'invalid-file',
        'root',
        `resume: ${path}: 'best' must be a finite score or -Infinity (none yet), got ${v}`,
      );
    }
    state[key] = v;
  }
  if (raw.phase !== 'vanilla' && raw.phase !== 'elastic' && raw.phase !== 'single') {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${path}: 'phase' must be 'vanilla', 'elastic' or 'single', got ${JSON.stringify(raw.phase)}`,
    );
  }
  return state as unknown as TrainerState;
}

/** Refuses a checkpoint model holding NaN / Inf (training it would fail at once with a NaN loss, blaming the lr). */
async function checkFiniteWeights(model: tf.LayersModel, where: string): Promise<void> {
  for (const w of model.weights) {
    const values = await w.read().data();
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new TrainingError(
        'invalid-file',
        'root',
        `resume: ${where}: weight '${w.originalName}' holds ${values[i]} at index ${i}: a finite model was expected ` +
          '(a damaged file, or a run that diverged before this checkpoint)',
      );
    }
  }
}

/** True when `root` holds a checkpoint pointer. */
export function hasCheckpoint(root: string): boolean {
  return existsSync(join(root, LATEST));
}

/** Reads the checkpoint `root/latest.json` points at; clear errors for a missing or damaged one. */
export async function readCheckpoint(root: string, store: ModelStore = defaultStore): Promise<Checkpoint> {
  const pointer = join(root, LATEST);
  if (!existsSync(pointer))
    throw new TrainingError(
      'invalid-state',
      'root',
      `resume: no checkpoint at ${pointer} (train without --resume first)`,
    );
  const dir = checkpointDir(root, pointer);
  if (!existsSync(dir)) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${pointer} names ${basename(dir)}, which does not exist in ${root} (deleted by hand?)`,
    );
  }
  const statePath = join(dir, 'state.json');
  const raw = readJsonObject(statePath) as Record<string, unknown> & { version: number; optimizer: number[] };
  if (raw.version !== 1)
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${statePath} has unknown version ${JSON.stringify(raw.version)}`,
    );
  if (!Array.isArray(raw.optimizer) || !raw.optimizer.every((n) => Number.isInteger(n) && n >= -1)) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${dir}/state.json: 'optimizer' must be an array of buffer lengths`,
    );
  }
  const binPath = join(dir, 'optimizer.bin');
  const bin = readOrExplain(binPath, 'the optimizer state');
  if (bin.byteLength % 4 !== 0) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${binPath} has ${bin.byteLength} bytes, not a whole number of float32 values (damaged)`,
    );
  }
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let off = 0;
  const buffers = raw.optimizer.map((len) => {
    if (len < 0) return null;
    const b = all.slice(off, off + len);
    off += len;
    return b;
  });
  if (off !== all.length)
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${binPath} has ${all.length} values, ${statePath} describes ${off}`,
    );
  const nonFinite = all.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) {
    throw new TrainingError(
      'invalid-file',
      'root',
      `resume: ${binPath} holds ${all[nonFinite]} at value ${nonFinite}: a finite state was expected (a damaged ` +
        'file, or a run that diverged before this checkpoint)',
    );
  }
  const { version: _v, optimizer: _o, layers: layerManifest, ...rest } = raw;
  const state = parseState(rest, statePath);
  let layers: LayerState | undefined;
  if (layerManifest !== undefined) {
    const layersPath = join(dir, LAYERS_BIN);
    const layerBytes = readOrExplain(layersPath, 'the layer state');
    layers = decodeLayerState(layerManifest, layerBytes, `resume: ${statePath}`, `resume: ${layersPath}`);
  }
  const model = await store.load(join(dir, 'model'));
  try {
    await checkFiniteWeights(model, join(dir, 'model'));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, optimizer: { buffers }, state, dir, ...(layers ? { layers } : {}) };
}
