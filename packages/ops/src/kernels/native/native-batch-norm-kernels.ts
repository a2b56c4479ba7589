import type * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs } from '../wasm/wasm-kernel-utils.ts';

/** Kernel names of the fused training-mode BatchNorm (registered on wasm when the native addon is loaded). */
export const FUSED_BATCH_NORM_KERNELS = ['EdlBatchNormTrain', 'EdlBatchNormTrainGrad'] as const;
export type FusedBatchNormKernel = (typeof FUSED_BATCH_NORM_KERNELS)[number];

/**
 * The wasm kernels of the fused training-mode BatchNorm on the native addon (inputs and outputs on the wasm heap):
 * `EdlBatchNormTrain` `{x, scale, offset}` -> `[y, mean, variance]` (batch statistics over all axes but the last,
 * biased variance) and `EdlBatchNormTrainGrad` `{dy, x, scale, mean, variance, dmean?, dvar?}` ->
 * `[dx, dscale, doffset]`, each two passes over memory.
 */
export function makeNativeBatchNormKernels(
  addon: NativeConvAddon,
): Record<FusedBatchNormKernel, (a: KernelArgs) => tf.TensorInfo[]> {
  const f32 = (args: KernelArgs, t: tf.TensorInfo | undefined) =>
    t ? (args.backend.typedArrayFromHeap(t) as Float32Array) : null;
  return {
    EdlBatchNormTrain: (args) => {
      const { x, scale, offset } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const eps = (args.attrs as { epsilon: number }).epsilon;
      const channels = x!.shape.at(-1)!;
      const y = args.backend.makeOutput(x!.shape, 'float32');
      const mean = args.backend.makeOutput([channels], 'float32');
      const variance = args.backend.makeOutput([channels], 'float32');
      addon.batchNormTrain(
        f32(args, x)!,
        channels,
        f32(args, scale),
        f32(args, offset),
        eps,
        f32(args, y)!,
        f32(args, mean)!,
        f32(args, variance)!,
      );
      return [y, mean, variance];
    },
    EdlBatchNormTrainGrad: (args) => {
      const { dy, x, scale, mean, variance, dmean, dvar } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const eps = (args.attrs as { epsilon: number }).epsilon;
      const channels = x!.shape.at(-1)!;
      const dx = args.backend.makeOutput(x!.shape, 'float32');
      const dscale = args.backend.makeOutput([channels], 'float32');
      const doffset = args.backend.makeOutput([channels], 'float32');
      addon.batchNormTrainGrad(
        f32(args, dy)!,
        f32(args, x)!,
        channels,
        f32(args, scale),
        f32(args, mean)!,
        f32(args, variance)!,
        eps,
        f32(args, dmean),
        f32(args, dvar),
        f32(args, dx)!,
        f32(args, dscale),
        f32(args, doffset),
      );
      return [dx, dscale, doffset];
    },
  };
}
