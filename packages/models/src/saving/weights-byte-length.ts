import type * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * Bytes one weight of a tfjs weights manifest occupies in its binary file (quantized weights use their quantized
 * dtype). Throws naming `where` when the entry is malformed.
 */
export function weightByteLength(spec: tf.io.WeightsManifestEntry, where: string): number {
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
    throw new ModelError(
      'invalid-file',
      'weightsManifest',
      `${where}: weight entry without a string name: ${JSON.stringify(spec)}`,
    );
  }
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelError(
      'invalid-file',
      'weightsManifest',
      `${where}: weight '${spec.name}' has an invalid shape ${JSON.stringify(spec.shape)}`,
    );
  }
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES[dtype];
  if (bytes === undefined) {
    throw new ModelError(
      'invalid-file',
      'weightsManifest',
      `${where}: weight '${spec.name}' has unsupported dtype '${String(dtype)}'`,
    );
  }
  return size * bytes;
}
