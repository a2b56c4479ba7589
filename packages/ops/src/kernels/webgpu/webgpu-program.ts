import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

// Type-only imports: nothing here loads @tensorflow/tfjs-backend-webgpu at run time, so this module is safe to
// import where that package is absent (the kernels only ever run when the webgpu backend is active).

/** What a kernel function of ours gets from tfjs on the webgpu backend. */
export interface WebgpuKernelArgs {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: WebGPUBackend;
  attrs?: Record<string, unknown>;
}

/** A kernel function of ours on the webgpu backend. */
export type WebgpuKernel = (args: WebgpuKernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** One program-defined uniform value (`programDefinedUniform` of `runWebGPUProgram`). */
export interface Uniform {
  type: 'float32' | 'int32';
  data: number[];
}

/** Threads per workgroup of the elementwise and reduction programs. */
export const WORKGROUP = 256;

/**
 * A program over the flat output index: WGSL `fn main(index : i32)` is called once per output element with
 * `index < uniforms.size` to check (the dispatch rounds up to whole workgroups).
 */
export function flatProgram(
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  uniforms: string,
  body: string,
): WebGPUProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    shaderKey,
    variableNames,
    outputShape,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(size / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/**
 * A program run as whole workgroups (`fn main()`, with `localId` / `workgroupId` in scope), for kernels that
 * share workgroup memory. `dispatchLayout` only has to be non-flat here; the dispatch is given.
 */
export function workgroupProgram(
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  dispatch: [number, number, number],
  workgroupSize: [number, number, number],
  uniforms: string,
  userCode: string,
): WebGPUProgram {
  return {
    shaderKey,
    variableNames,
    outputShape,
    // non-flat on purpose: tfjs then calls `main()` without an index; the layout feeds only unused helpers
    dispatchLayout: { x: [0], y: [1] },
    dispatch,
    workgroupSize,
    uniforms,
    getUserCode: () => userCode,
  };
}

/** Runs `program` on `inputs` into a new float32 tensor, or into `output` (a tensor an earlier run created). */
export function run(
  backend: WebGPUBackend,
  program: WebGPUProgram,
  inputs: tf.TensorInfo[],
  uniforms: Uniform[] = [],
  output?: tf.TensorInfo,
): tf.TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', uniforms, output);
}

/**
 * A scalar parameter of a fused kernel as a tensor on the device: the input tensor when given (never read back to
 * the CPU), else a new one-element tensor holding the number attribute (`owned`: dispose it after the kernel).
 */
export function scalarInput(
  args: WebgpuKernelArgs,
  name: string,
  kernel: string,
): { info: tf.TensorInfo; owned: boolean } {
  const t = args.inputs[name];
  if (t) {
    if (t.shape.length !== 0) throw new Error(`${kernel}: '${name}' must be a scalar, got shape [${t.shape}]`);
    if (t.dtype !== 'float32') throw new Error(`${kernel}: '${name}' must be float32, got ${t.dtype}`);
    return { info: t, owned: false };
  }
  const v = args.attrs?.[name];
  if (typeof v !== 'number') throw new Error(`${kernel}: '${name}': expected a scalar input or a number attribute`);
  return { info: args.backend.makeTensorInfo([], 'float32', new Float32Array([v])), owned: true };
}

/** Frees the temporary tensors a kernel made (the backend keeps the buffers until queued work is done). */
export function release(backend: WebGPUBackend, infos: Array<tf.TensorInfo | { info: tf.TensorInfo; owned: boolean }>) {
  for (const t of infos) {
    if ('owned' in t) {
      if (t.owned) backend.disposeData(t.info.dataId);
    } else backend.disposeData(t.dataId);
  }
}

/** Checks a float32 input of a kernel and returns it. */
export function floatInput(args: WebgpuKernelArgs, name: string, kernel: string): tf.TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`${kernel}: missing input '${name}'`);
  if (t.dtype !== 'float32') throw new Error(`${kernel}: '${name}' must be float32, got ${t.dtype}`);
  return t;
}
