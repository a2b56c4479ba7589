import * as tf from '@tensorflow/tfjs';
import { ModelError } from '../core/model-error.ts';
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

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Says which PyTorch shape a weight needs (and the tfjs shape it becomes), the shape it has, and, when the given
 * tensor is the expected one in another layout (a transposed Linear weight, a conv kernel left in tfjs order), the fix.
 */
function shapeMismatch(
  torchName: string,
  got: readonly number[],
  tfShape: readonly number[],
  layout: TorchLayout,
): string {
  const perm = TO_TORCH[layout];
  const expected = perm ? perm.map((axis) => tfShape[axis]!) : [...tfShape];
  let hint = '';
  if (layout === 'dense' && got.length === 2 && got[0] === expected[1] && got[1] === expected[0]) {
    hint =
      '; it is transposed: PyTorch keeps a Linear weight as [out_features, in_features], so pass its transpose ' +
      '(`weight.T` in PyTorch)';
  } else if (layout === 'conv' && got.length === 4 && got.join() === tfShape.join() && got.join() !== expected.join()) {
    hint =
      '; it is in the tfjs layout [kh, kw, in, out]: PyTorch keeps a conv weight as [out, in, kh, kw] ' +
      '(`weight.permute(3, 2, 0, 1)` in PyTorch)';
  } else if (got.length === expected.length && [...got].sort().join() === [...expected].sort().join()) {
    hint = '; the same sizes in another order: is it transposed?';
  }
  const tfNote = perm ? ` (the tfjs weight ${fmt(tfShape)} in PyTorch layout)` : '';
  return `state dict: '${torchName}' has shape ${fmt(got)}, expected ${fmt(expected)}${tfNote}${hint}`;
}

/**
 * Sets the model's weights from a PyTorch state dict (names and layouts as {@link toTorchStateDict} writes them).
 * Every weight of the model must be present as finite F32 values with the right shape; extra keys other than
 * `num_batches_tracked` throw. Everything is checked before the first weight is written, so a refused state dict
 * leaves the model as it was.
 */
export function fromTorchStateDict(model: tf.LayersModel, tensors: Record<string, SafeTensor>): void {
  const used = new Set<string>();
  const plan: { layer: tf.layers.Layer; values: { index: number; torchName: string; layout: TorchLayout }[] }[] = [];
  for (const layer of model.layers) {
    const mapping = torchWeightsOf(layer);
    if (mapping.length === 0) continue;
    for (const { index, torchName, layout } of mapping) {
      const t = tensors[torchName];
      if (t === undefined) throw new ModelError('invalid-input', 'stateDict', `state dict: missing '${torchName}'`);
      if (t.dtype !== 'F32')
        throw new ModelError('invalid-input', 'stateDict', `state dict: '${torchName}' is ${t.dtype}, expected F32`);
      const perm = FROM_TORCH[layout];
      const target = layer.weights[index]!.shape;
      const shape = perm ? perm.map((axis) => t.shape[axis]!) : t.shape;
      if (t.shape.length !== target.length || shape.join() !== target.join()) {
        throw new ModelError(
          'invalid-input',
          'stateDict',
          shapeMismatch(torchName, t.shape, target as number[], layout),
        );
      }
      const data = t.data as Float32Array;
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (!(data instanceof Float32Array) || data.length !== size) {
        throw new ModelError(
          'invalid-input',
          'stateDict',
          `state dict: '${torchName}' needs a Float32Array of ${size} values for shape [${t.shape}]`,
        );
      }
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) {
          throw new ModelError(
            'invalid-input',
            'stateDict',
            `state dict: '${torchName}' holds ${data[i]} at index ${i}: weights must be finite`,
          );
        }
      }
      used.add(torchName);
    }
    plan.push({ layer, values: mapping });
  }
  const extra = Object.keys(tensors).filter((k) => !used.has(k) && !k.endsWith('.num_batches_tracked'));
  if (extra.length > 0)
    throw new ModelError('invalid-input', 'stateDict', `state dict: keys without a model weight: ${extra.join(', ')}`);
  // Everything checked: now write.
  for (const { layer, values: mapping } of plan) {
    const values = tf.tidy(() =>
      mapping.map(({ torchName, layout }) => {
        const t = tensors[torchName]!;
        const perm = FROM_TORCH[layout];
        const value = tf.tensor(t.data as Float32Array, t.shape, 'float32');
        return perm ? tf.transpose(value, perm) : value;
      }),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
}
