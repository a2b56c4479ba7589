import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, saveModel } from '@edl/models';
import { fileSystemHandler } from '@edl/models/node';
import type * as tf from '@tensorflow/tfjs';
import type { SgdState } from '../loop/sgd.ts';
import { writeFileAtomic } from './atomic-file.ts';
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
 * pointing at a complete checkpoint.
 */
export async function writeCheckpoint(
  root: string,
  model: tf.LayersModel,
  optimizer: SgdState,
  state: TrainerState,
  store: ModelStore = defaultStore,
): Promise<string> {
  mkdirSync(root, { recursive: true });
  const name = `ckpt-e${String(state.epoch).padStart(4, '0')}-s${String(state.step).padStart(5, '0')}-${Date.now()}`;
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  await store.save(model, join(dir, 'model'));
  const { manifest, bytes } = encodeOptimizer(optimizer);
  writeFileAtomic(join(dir, 'optimizer.bin'), bytes);
  writeFileAtomic(
    join(dir, 'state.json'),
    `${JSON.stringify({ version: 1, ...state, optimizer: manifest }, null, 2)}\n`,
  );
  writeFileAtomic(join(root, LATEST), `${JSON.stringify({ dir: name })}\n`);
  for (const entry of readdirSync(root)) {
    if (entry.startsWith('ckpt-') && entry !== name) rmSync(join(root, entry), { recursive: true, force: true });
  }
  return dir;
}

/** True when `root` holds a checkpoint pointer. */
export function hasCheckpoint(root: string): boolean {
  return existsSync(join(root, LATEST));
}

/** Reads the checkpoint `root/latest.json` points at; clear errors for a missing or damaged one. */
export async function readCheckpoint(root: string, store: ModelStore = defaultStore): Promise<Checkpoint> {
  const pointer = join(root, LATEST);
  if (!existsSync(pointer)) throw new Error(`resume: no checkpoint at ${pointer} (train without --resume first)`);
  const { dir: name } = JSON.parse(readFileSync(pointer, 'utf8')) as { dir: string };
  const dir = join(root, name);
  const raw = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as TrainerState & {
    version: number;
    optimizer: number[];
  };
  if (raw.version !== 1) throw new Error(`resume: ${dir}/state.json has unknown version ${raw.version}`);
  const bin = readFileSync(join(dir, 'optimizer.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let off = 0;
  const buffers = raw.optimizer.map((len) => {
    if (len < 0) return null;
    const b = all.slice(off, off + len);
    off += len;
    return b;
  });
  if (off !== all.length) throw new Error(`resume: ${dir}/optimizer.bin has ${all.length} values, expected ${off}`);
  const { version: _v, optimizer: _o, ...state } = raw;
  const model = await store.load(join(dir, 'model'));
  return { model, optimizer: { buffers }, state, dir };
}
