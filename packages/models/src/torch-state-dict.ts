import * as tf from '@tensorflow/tfjs';
import type { SafeTensor } from './safetensors.ts';
import { type TorchLayout, torchWeightsOf } from './torch-names.ts';

const TO_TORCH: Record<TorchLayout, number[] | null> = { conv: [3, 2, 0, 1], dense: [1, 0], same: null };
const FROM_TORCH: Record<TorchLayout, number[] | null> = { conv: [2, 3, 1, 0], dense: [1, 0], same: null };

/** Options of {@link toTorchStateDict}. */
export interface TorchStateDictOptions {
  /** Add PyTorch's `<bn>.num_batches_tracked` (int64 0) so `load_state_dict(strict=True)` accepts it (default true). */
  numBatchesTracked?: boolean;
}

/**
 * The model's weights as a PyTorch state dict (float32 tensors, PyTorch names and layouts, see
 * {@link torchWeightsOf}), ready for `encodeSafetensors`. Reads each weight with an awaited `data()`, so it works
 * on every backend, WebGPU included.
 */
export async function toTorchStateDict(
  model: tf.LayersModel,
  options: TorchStateDictOptions = {},
): Promise<Record<string, SafeTensor>> {
  const out: Record<string, SafeTensor> = {};
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => w.read()); // the variables themselves: never dispose
    for (const { index, torchName, layout } of torchWeightsOf(layer)) {
      const perm = TO_TORCH[layout];
      const value = values[index]!;
      const t = perm ? tf.transpose(value, perm) : value;
      try {
        out[torchName] = { dtype: 'F32', shape: t.shape.slice(), data: Float32Array.from(await t.data()) };
      } finally {
        if (t !== value) t.dispose();
      }
    }
    if (layer.getClassName() === 'BatchNormalization' && (options.numBatchesTracked ?? true)) {
      out[`${layer.name}.num_batches_tracked`] = { dtype: 'I64', shape: [], data: new BigInt64Array(1) };
    }
  }
  return out;
}

/**
 * Sets the model's weights from a PyTorch state dict (names and layouts as {@link toTorchStateDict} writes them).
 * Every weight of the model must be present with the right shape; extra keys other than `num_batches_tracked`
 * throw.
 */
export function fromTorchStateDict(model: tf.LayersModel, tensors: Record<string, SafeTensor>): void {
  const used = new Set<string>();
  for (const layer of model.layers) {
    const mapping = torchWeightsOf(layer);
    if (mapping.length === 0) continue;
    const values = tf.tidy(() =>
      mapping.map(({ index, torchName, layout }) => {
        const t = tensors[torchName];
        if (t === undefined) throw new Error(`state dict: missing '${torchName}'`);
        if (t.dtype !== 'F32') throw new Error(`state dict: '${torchName}' is ${t.dtype}, expected F32`);
        used.add(torchName);
        const perm = FROM_TORCH[layout];
        const value = tf.tensor(t.data as Float32Array, t.shape, 'float32');
        const target = layer.weights[index]!.shape;
        const result = perm ? tf.transpose(value, perm) : value;
        if (result.shape.join() !== target.join()) {
          throw new Error(`state dict: '${torchName}' has shape [${t.shape}], which does not fit [${target}]`);
        }
        return result;
      }),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
  const extra = Object.keys(tensors).filter((k) => !used.has(k) && !k.endsWith('.num_batches_tracked'));
  if (extra.length > 0) throw new Error(`state dict: keys without a model weight: ${extra.join(', ')}`);
}
