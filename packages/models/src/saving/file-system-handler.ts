import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
import { atomicWrite } from './atomic-write.ts';
import { weightByteLength } from './weights-byte-length.ts';

/** File name of the model topology and weights manifest. */
export const MODEL_JSON = 'model.json';
/**
 * File name of the weights written by earlier versions of {@link fileSystemHandler} (still read: `model.json` names
 * its weights files). Saves now write `weights-<hash>.bin`, see {@link weightsFileName}.
 */
export const WEIGHTS_BIN = 'weights.bin';

/** Weights files this handler wrote (current `weights-<hash>.bin` and the earlier `weights.bin`), safe to prune. */
const OWN_WEIGHTS = /^weights(-[0-9a-f]{16})?\.bin$/;

/**
 * The name {@link fileSystemHandler} gives a weights file: `weights-<first 16 hex digits of its SHA-256>.bin`. A new
 * save never overwrites the weights the current `model.json` names, so `model.json` is the one pointer that switches.
 */
export function weightsFileName(weights: Uint8Array): string {
  return `weights-${createHash('sha256').update(weights).digest('hex').slice(0, 16)}.bin`;
}

function concat(data: tf.io.WeightData): Uint8Array {
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

async function readOrExplain(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelError('invalid-file', 'path', `${path}: ${what} not found`);
    throw new ModelError('invalid-file', 'path', `${path}: cannot read ${what}: ${(error as Error).message}`);
  }
}

function parseModelJson(text: string, path: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError('invalid-file', 'path', `${path}: not valid JSON (${(error as Error).message})`);
  }
  const j = json as Partial<tf.io.ModelJSON> | null;
  if (j === null || typeof j !== 'object' || j.modelTopology === null || typeof j.modelTopology !== 'object') {
    throw new ModelError(
      'invalid-file',
      'path',
      `${path}: expected an object with a 'modelTopology' object (tfjs layers-model format)`,
    );
  }
  if (!Array.isArray(j.weightsManifest))
    throw new ModelError('invalid-file', 'path', `${path}: expected a 'weightsManifest' array`);
  return j as tf.io.ModelJSON;
}

async function loadWeights(
  dir: string,
  jsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const [g, group] of manifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) {
      throw new ModelError(
        'invalid-file',
        'path',
        `${jsonPath}: weightsManifest[${g}] needs 'paths' and 'weights' arrays`,
      );
    }
    const files: Buffer[] = [];
    for (const p of group.paths) {
      if (typeof p !== 'string' || isAbsolute(p) || normalize(p).startsWith('..')) {
        throw new ModelError(
          'invalid-file',
          'path',
          `${jsonPath}: weights path ${JSON.stringify(p)} must be a relative path inside ${dir}`,
        );
      }
      files.push(await readOrExplain(join(dir, p), 'weights file'));
    }
    const actual = files.reduce((n, f) => n + f.byteLength, 0);
    const expected = group.weights.reduce((n, s) => n + weightByteLength(s, jsonPath), 0);
    const where = group.paths.map((p) => join(dir, p)).join(', ');
    if (actual < expected) {
      throw new ModelError(
        'invalid-file',
        'path',
        `${where}: truncated weights file: ${actual} bytes, but ${jsonPath} describes ${expected}`,
      );
    }
    if (actual > expected) {
      throw new ModelError(
        'invalid-file',
        'path',
        `${where}: ${actual} bytes, but ${jsonPath} describes only ${expected}: the files do not match`,
      );
    }
    specs.push(...group.weights);
    parts.push(...files.map((f) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)));
  }
  return [specs, concat(parts.map((p) => p.slice().buffer as ArrayBuffer)).buffer as ArrayBuffer];
}

/**
 * A tfjs IOHandler reading and writing a model directory in Node (`@edl/models/node`), no tfjs-node needed: `model.json` (topology and
 * weights manifest) and `weights.bin`, the standard tfjs layout that `tf.loadLayersModel('file://…')` and the tfjs
 * converter also use. A save replaces the model as one unit: the weights go to a new file named by their hash
 * (`weights-<hash>.bin`, temp file + fsync + rename), then `model.json`, which names that file, replaces the old one
 * by one atomic rename, then weights files no longer named are deleted. A crash at any step leaves the old pair or
 * the new pair, never new weights beside the old topology. Loading checks that the weights files hold exactly the
 * bytes the manifest describes and names the file when they do not.
 *
 * @example
 * await saveModel(model, fileSystemHandler('./checkpoints/epoch-10'));
 * const again = await loadModel(fileSystemHandler('./checkpoints/epoch-10'));
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler & { readonly description: string } {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new ModelError('invalid-option', 'dir', 'dir: expected a non-empty directory path');
  const jsonPath = join(dir, MODEL_JSON);
  return {
    description: jsonPath,
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
        throw new ModelError(
          'invalid-input',
          'model',
          'fileSystemHandler: only JSON model topologies (layers models) can be saved',
        );
      }
      await mkdir(dir, { recursive: true });
      const weights = concat(artifacts.weightData ?? new ArrayBuffer(0));
      const weightsName = weightsFileName(weights);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
      await atomicWrite(join(dir, weightsName), weights);
      await atomicWrite(jsonPath, JSON.stringify(modelJson)); // the switch: one rename
      for (const entry of await readdir(dir)) {
        if (OWN_WEIGHTS.test(entry) && entry !== weightsName) await rm(join(dir, entry), { force: true });
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = parseModelJson((await readOrExplain(jsonPath, MODEL_JSON)).toString('utf8'), jsonPath);
      return tf.io.getModelArtifactsForJSON(json, (manifest) => loadWeights(dir, jsonPath, manifest));
    },
  };
}
