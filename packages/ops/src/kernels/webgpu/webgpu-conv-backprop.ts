import * as tf from '@tensorflow/tfjs';
import { CONV_GEMM_UNIFORMS, convGemmUniforms, implicitGemmShader } from './webgpu-implicit-gemm.ts';
import {
  flatProgram,
  release,
  run,
  type WebgpuKernel,
  type WebgpuKernelArgs,
  workgroupProgram,
} from './webgpu-program.ts';

/** Attributes tfjs passes to `Conv2DBackpropInput` / `Conv2DBackpropFilter`. */
interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

/** Reduction length a split of the filter gradient covers at least, and the workgroups it aims for. */
const MIN_K_PER_SPLIT = 256;
const TARGET_WORKGROUPS = 128;

/** True when our kernels handle the call: NHWC float32 (tfjs' conv gradients always have dilation 1). */
function handled(args: WebgpuKernelArgs, a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const { dataFormat } = (args.attrs ?? {}) as unknown as ConvBackpropAttrs;
  return (dataFormat ?? 'NHWC') === 'NHWC' && a.dtype === 'float32' && b.dtype === 'float32';
}

function convInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  attrs: ConvBackpropAttrs,
): tf.backend_util.Conv2DInfo {
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernel}: expected rank-4 input and filter, got [${xShape}] and [${filterShape}]`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

function geometry(info: tf.backend_util.Conv2DInfo) {
  return {
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padT: info.padInfo.top,
    padL: info.padInfo.left,
  };
}

/** `dW[r, c, ci, co] = sum over (b, yo, xo) of x[b, yo s - pt + r, xo s - pl + c, ci] dy[b, yo, xo, co]`. */
const FILTER_LOAD_A = `
  fn loadA(k : i32, m : i32) -> f32 {
    if (k >= uniforms.K || m >= uniforms.M) { return 0.0; }
    let ci = m % uniforms.inC;
    let rc = m / uniforms.inC;
    let c = rc % uniforms.kW;
    let r = rc / uniforms.kW;
    let xo = k % uniforms.outW;
    let t = k / uniforms.outW;
    let yo = t % uniforms.outH;
    let b = t / uniforms.outH;
    let yi = yo * uniforms.strideH - uniforms.padT + r;
    let xi = xo * uniforms.strideW - uniforms.padL + c;
    if (yi < 0 || yi >= uniforms.inH || xi < 0 || xi >= uniforms.inW) { return 0.0; }
    return X[((b * uniforms.inH + yi) * uniforms.inW + xi) * uniforms.inC + ci];
  }`;
const FILTER_LOAD_B = `
  fn loadB(k : i32, n : i32) -> f32 {
    if (k >= uniforms.K || n >= uniforms.N) { return 0.0; }
    return DY[k * uniforms.N + n];
  }`;
const SPLIT_STORE = `
  fn store(m : i32, n : i32, split : i32, value : f32) {
    setOutputAtIndex((split * uniforms.M + m) * uniforms.N + n, value);
  }`;

/**
 * `Conv2DBackpropFilter` on webgpu as an implicit GEMM (M = kh kw Ci, N = Co, K = batch Ho Wo) with the long K
 * split over workgroups and the splits added by a second pass. Non-NHWC or non-float32 calls go to `fallback`.
 */
export function makeConv2DBackpropFilter(fallback: tf.KernelFunc): WebgpuKernel {
  return (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    if (!handled(args, x, dy)) return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const attrs = (args.attrs ?? {}) as unknown as ConvBackpropAttrs;
    const filterShape = attrs.filterShape;
    if (!filterShape) throw new Error('Conv2DBackpropFilter: missing attribute filterShape');
    const info = convInfo('Conv2DBackpropFilter', x.shape, filterShape, attrs);
    const [outB, outH, outW, outC] = dy.shape;
    if (outB !== info.batchSize || outH !== info.outHeight || outW !== info.outWidth || outC !== info.outChannels) {
      throw new Error(
        `Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${[info.batchSize, info.outHeight, info.outWidth, info.outChannels]}]`,
      );
    }
    const M = info.filterHeight * info.filterWidth * info.inChannels;
    const N = info.outChannels;
    const K = info.batchSize * info.outHeight * info.outWidth;
    const tiles = Math.ceil(M / 64) * Math.ceil(N / 64);
    let splits = Math.max(1, Math.min(Math.ceil(K / MIN_K_PER_SPLIT), Math.ceil(TARGET_WORKGROUPS / tiles)));
    const kPerSplit = Math.ceil(Math.ceil(K / splits) / 16) * 16;
    splits = Math.ceil(K / kPerSplit);
    const program = workgroupProgram(
      'edlConv2DBackpropFilter',
      ['X', 'DY'],
      splits === 1 ? [...filterShape] : [splits, M, N],
      [Math.ceil(N / 64), Math.ceil(M / 64), splits],
      [16, 16, 1],
      CONV_GEMM_UNIFORMS,
      implicitGemmShader(FILTER_LOAD_A, FILTER_LOAD_B, SPLIT_STORE, false, false),
    );
    const uniforms = convGemmUniforms({ M, N, K, kPerSplit, ...geometry(info) });
    const parts = run(args.backend, program, [x, dy], uniforms);
    if (splits === 1) return parts;
    const sum = flatProgram(
      'edlSumSplits',
      ['P'],
      [...filterShape],
      'splits : i32,',
      `var s = 0.0;
       for (var i = 0; i < uniforms.splits; i = i + 1) {
         s = s + P[i * uniforms.size + index];
       }
       setOutputAtIndex(index, s);`,
    );
    const out = run(args.backend, sum, [parts], [{ type: 'int32', data: [splits] }]);
    release(args.backend, [parts]);
    return out;
  };
}

/** `dx[b, y, x, ci] = sum over (r, c, co) of dy[b, (y + pt - r) / s, (x + pl - c) / s, co] W[r, c, ci, co]`. */
const INPUT_LOAD_A = `
  fn loadA(k : i32, m : i32) -> f32 {
    if (k >= uniforms.K || m >= uniforms.M) { return 0.0; }
    let co = k % uniforms.outC;
    let rc = k / uniforms.outC;
    let c = rc % uniforms.kW;
    let r = rc / uniforms.kW;
    let xi = m % uniforms.inW;
    let t = m / uniforms.inW;
    let yi = t % uniforms.inH;
    let b = t / uniforms.inH;
    let ty = yi + uniforms.padT - r;
    let tx = xi + uniforms.padL - c;
    if (ty < 0 || tx < 0) { return 0.0; }
    if (ty % uniforms.strideH != 0 || tx % uniforms.strideW != 0) { return 0.0; }
    let yo = ty / uniforms.strideH;
    let xo = tx / uniforms.strideW;
    if (yo >= uniforms.outH || xo >= uniforms.outW) { return 0.0; }
    return DY[((b * uniforms.outH + yo) * uniforms.outW + xo) * uniforms.outC + co];
  }`;
const INPUT_LOAD_B = `
  fn loadB(k : i32, n : i32) -> f32 {
    if (k >= uniforms.K || n >= uniforms.N) { return 0.0; }
    let co = k % uniforms.outC;
    let rc = k / uniforms.outC;
    return W[(rc * uniforms.inC + n) * uniforms.outC + co];
  }`;
const PLAIN_STORE = `
  fn store(m : i32, n : i32, split : i32, value : f32) {
    setOutputAtIndex(m * uniforms.N + n, value);
  }`;

/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and `conv2dTranspose`) on webgpu as an implicit GEMM
 * (M = batch H W, N = Ci, K = kh kw Co). Non-NHWC or non-float32 calls go to `fallback`.
 */
export function makeConv2DBackpropInput(fallback: tf.KernelFunc): WebgpuKernel {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (!handled(args, dy, filter)) return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const attrs = (args.attrs ?? {}) as unknown as ConvBackpropAttrs;
    const inputShape = attrs.inputShape;
    if (!inputShape) throw new Error('Conv2DBackpropInput: missing attribute inputShape');
    const info = convInfo('Conv2DBackpropInput', inputShape, filter.shape, attrs);
    const [outB, outH, outW, outC] = dy.shape;
    if (outB !== info.batchSize || outH !== info.outHeight || outW !== info.outWidth || outC !== info.outChannels) {
      throw new Error(
        `Conv2DBackpropInput: dy has shape [${dy.shape}], expected [${[info.batchSize, info.outHeight, info.outWidth, info.outChannels]}]`,
      );
    }
    const M = info.batchSize * info.inHeight * info.inWidth;
    const N = info.inChannels;
    const K = info.filterHeight * info.filterWidth * info.outChannels;
    const kPerSplit = Math.ceil(K / 16) * 16;
    const program = workgroupProgram(
      'edlConv2DBackpropInput',
      ['DY', 'W'],
      [...inputShape],
      [Math.ceil(N / 64), Math.ceil(M / 64), 1],
      [16, 16, 1],
      CONV_GEMM_UNIFORMS,
      implicitGemmShader(INPUT_LOAD_A, INPUT_LOAD_B, PLAIN_STORE, true, true),
    );
    return run(args.backend, program, [dy, filter], convGemmUniforms({ M, N, K, kPerSplit, ...geometry(info) }));
  };
}
