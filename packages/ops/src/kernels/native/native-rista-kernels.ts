import type * as tf from '@tensorflow/tfjs';
import type { NativeConvAddon } from '../../backend/native-addon.ts';
import type { KernelArgs } from '../wasm/wasm-kernel-utils.ts';

/** Kernel names of the fused RISTA elementwise ops (registered on wasm when the native addon is loaded). */
export const FUSED_RISTA_KERNELS = [
  'EdlElasticResidual',
  'EdlElasticResidualGrad',
  'EdlShrinkStep',
  'EdlShrinkStepGrad',
] as const;
export type FusedRistaKernel = (typeof FUSED_RISTA_KERNELS)[number];

/** A scalar parameter: the input tensor's value when given, else the attribute. */
function scalar(args: KernelArgs, name: string): number {
  const t = args.inputs[name] as tf.TensorInfo | undefined;
  if (t) return (args.backend.typedArrayFromHeap(t) as Float32Array)[0]!;
  const v = (args.attrs as Record<string, unknown>)[name];
  if (typeof v !== 'number') throw new Error(`${name}: expected a scalar input or a number attribute`);
  return v;
}

/** The wasm kernels of the fused RISTA ops on the native addon (inputs and outputs on the wasm heap). */
export function makeNativeRistaKernels(
  addon: NativeConvAddon,
): Record<FusedRistaKernel, (a: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> {
  const f32 = (args: KernelArgs, t: tf.TensorInfo | undefined) =>
    t ? (args.backend.typedArrayFromHeap(t) as Float32Array) : null;
  return {
    EdlElasticResidual: (args) => {
      const { x, u } = args.inputs as { x: tf.TensorInfo; u: tf.TensorInfo };
      const out = args.backend.makeOutput(x.shape, 'float32');
      const eps = (args.attrs as { eps: number }).eps;
      addon.elasticResidual(f32(args, x)!, f32(args, u)!, scalar(args, 'beta'), eps, f32(args, out)!);
      return out;
    },
    EdlElasticResidualGrad: (args) => {
      const { x, u, dy } = args.inputs as { x: tf.TensorInfo; u: tf.TensorInfo; dy: tf.TensorInfo };
      const { eps, detach } = args.attrs as { eps: number; detach: boolean };
      const dx = args.backend.makeOutput(x.shape, 'float32');
      const du = args.backend.makeOutput(x.shape, 'float32');
      const db = args.backend.makeOutput([], 'float32');
      const beta = scalar(args, 'beta');
      const g = addon.elasticResidualGrad(
        f32(args, x)!,
        f32(args, u)!,
        f32(args, dy)!,
        beta,
        eps,
        detach,
        f32(args, dx)!,
        f32(args, du)!,
      );
      f32(args, db)![0] = g;
      return [dx, du, db];
    },
    EdlShrinkStep: (args) => {
      const { z, v } = args.inputs as { z?: tf.TensorInfo; v: tf.TensorInfo };
      const out = args.backend.makeOutput(v.shape, 'float32');
      const nonNegative = (args.attrs as { nonNegative: boolean }).nonNegative;
      addon.shrinkStep(
        f32(args, z),
        f32(args, v)!,
        scalar(args, 't'),
        scalar(args, 'thr'),
        nonNegative,
        f32(args, out)!,
      );
      return out;
    },
    EdlShrinkStepGrad: (args) => {
      const { z, v, dy } = args.inputs as { z?: tf.TensorInfo; v: tf.TensorInfo; dy: tf.TensorInfo };
      const nonNegative = (args.attrs as { nonNegative: boolean }).nonNegative;
      const dz = z ? args.backend.makeOutput(v.shape, 'float32') : undefined;
      const dv = args.backend.makeOutput(v.shape, 'float32');
      const dt = args.backend.makeOutput([], 'float32');
      const dthr = args.backend.makeOutput([], 'float32');
      const [gt, gthr] = addon.shrinkStepGrad(
        f32(args, z),
        f32(args, v)!,
        f32(args, dy)!,
        scalar(args, 't'),
        scalar(args, 'thr'),
        nonNegative,
        f32(args, dz),
        f32(args, dv)!,
      );
      f32(args, dt)![0] = gt;
      f32(args, dthr)![0] = gthr;
      return dz ? [dz, dv, dt, dthr] : [dv, dt, dthr];
    },
  };
}
