import * as tf from '@tensorflow/tfjs';
import { LayerError } from '../core/layer-error.ts';

/**
 * Throws on the webgpu backend before a synchronous tensor read: WebGPU has no synchronous read (tfjs falls back to
 * a slow canvas copy in a browser and fails in Node). `what` names the caller, `fix` the asynchronous alternative.
 */
export function assertSyncReadable(what: string, fix: string): void {
  if (tf.getBackend() === 'webgpu') {
    throw new LayerError(
      'unsupported',
      'backend',
      `${what} reads a tensor synchronously, which the webgpu backend cannot do; ${fix}`,
    );
  }
}
