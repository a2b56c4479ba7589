import { readFile } from 'node:fs/promises';
import { ModelError } from '../core/model-error.ts';
import { atomicWrite } from '../saving/atomic-write.ts';
import { decodeSafetensors, type SafetensorsFile } from './decode-safetensors.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import type { SafeTensor } from './safetensors.ts';

/**
 * Reads and validates a `.safetensors` file; errors name the file and what is wrong (truncated file, offsets beyond
 * the end, unknown dtype, malformed header).
 *
 * @example
 * const { tensors } = await readSafetensors('resnet18.safetensors');
 * tensors['conv1.weight'].shape; // [64, 3, 3, 3]
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ModelError('invalid-file', 'path', `${path}: cannot read safetensors file: ${(error as Error).message}`);
  }
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** Writes tensors to a `.safetensors` file atomically (temp file, fsync, rename). */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, SafeTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await atomicWrite(path, encodeSafetensors(tensors, metadata));
}
