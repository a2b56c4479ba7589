import * as tf from '@tensorflow/tfjs';

/**
 * Downloads scalar tensors (asynchronously: works on backends that cannot read synchronously, such as WebGPU) and
 * disposes them. Returns their values in order.
 */
export async function readScalars(tensors: readonly tf.Tensor[]): Promise<number[]> {
  try {
    const values = await Promise.all(tensors.map((t) => t.data()));
    return values.map((v) => Number(v[0]));
  } finally {
    tf.dispose([...tensors]);
  }
}

/** Downloads a tensor as a plain number array (asynchronously) and disposes it. */
export async function readValues(t: tf.Tensor): Promise<number[]> {
  try {
    return Array.from(await t.data(), Number);
  } finally {
    t.dispose();
  }
}
