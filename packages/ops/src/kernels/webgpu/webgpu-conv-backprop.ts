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

const warned = new Set<string>();

/** Says once per kernel and reason that tfjs' kernel runs instead of ours. */
function handBack(kernel: string, reason: string): void {
  const key = `${kernel}: ${reason}`;
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(
    `@edl/ops webgpu: ${kernel} with ${reason} runs tfjs-backend-webgpu's kernel (ours covers NHWC float32)`,
  );
}

/** True when our kernels handle the call: NHWC float32 (tfjs' conv gradients always have dilation 1). */
function handled(kernel: string, args: WebgpuKernelArgs, a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const { dataFormat } = (args.attrs ?? {}) as unknown as ConvBackpropAttrs;
  if ((dataFormat ?? 'NHWC') !== 'NHWC') handBack(kernel, `dataFormat ${dataFormat}`);
  else if (a.dtype !== 'float32' || b.dtype !== 'float32') handBack(kernel, `dtypes ${a.dtype}, ${b.dtype}`);
  else return true;
  return false;
}

/** True when a GEMM dispatch fits the device's per-dimension workgroup limit (else tfjs' kernel runs). */
function fits(kernel: string, args: WebgpuKernelArgs, dispatch: [number, number, number]): boolean {
  const limit = args.backend.device.limits.maxComputeWorkgroupsPerDimension;
  if (dispatch.every((d) => d <= limit)) return true;
  handBack(kernel, `a dispatch of [${dispatch}] workgroups (over the device limit ${limit} per dimension)`);
  return false;
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
  fn prepA(m : i32) -> vec4<i32> {
    let rc = m / uniforms.inC;
    // (ci, c, r, in range)
    return vec4<i32>(m % uniforms.inC, rc % uniforms.kW, rc / uniforms.kW, select(0, 1, m < uniforms.M));
  }
  fn loadA(k : i32, mi : vec4<i32>) -> f32 {
    if (k >= uniforms.K || mi.w == 0) { return 0.0; }
    let xo = k % uniforms.outW;
    let t = k / uniforms.outW;
    let yo = t % uniforms.outH;
    let b = t / uniforms.outH;
    let yi = yo * uniforms.strideH - uniforms.padT + mi.z;
    let xi = xo * uniforms.strideW - uniforms.padL + mi.y;
    if (yi < 0 || yi >= uniforms.inH || xi < 0 || xi >= uniforms.inW) { return 0.0; }
    return X[((b * uniforms.inH + yi) * uniforms.inW + xi) * uniforms.inC + mi.x];
  }`;
const FILTER_LOAD_B = `
  fn prepB(n : i32) -> vec4<i32> {
    return vec4<i32>(n, select(0, 1, n < uniforms.N), 0, 0);
  }
  fn loadB(k : i32, ni : vec4<i32>) -> f32 {
    if (k >= uniforms.K || ni.y == 0) { return 0.0; }
    return DY[k * uniforms.N + ni.x];
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
    if (!handled('Conv2DBackpropFilter', args, x, dy))
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
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
    const dispatch: [number, number, number] = [Math.ceil(N / 64), Math.ceil(M / 64), splits];
    if (!fits('Conv2DBackpropFilter', args, dispatch))
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const program = workgroupProgram(
      'edlConv2DBackpropFilter',
      ['X', 'DY'],
      splits === 1 ? [...filterShape] : [splits, M, N],
      dispatch,
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

/**
 * `dx[b, y, x, ci] = sum over (r, c, co) of dy[b, (y + pt - r) / s, (x + pl - c) / s, co] W[r, c, ci, co]`, where
 * only taps with `y + pt - r` divisible by the stride count. One dispatch per stride phase (py, px): the pixels
 * with `(y + pt) mod sH = py` (y = y0, y0 + sH, ...) use exactly the taps r = py, py + sH, ... (`tapsH` of them),
 * so a stride-2 gradient does no multiply-by-zero work; pixel `iy` of the phase and tap `jh` read
 * `dy` row `baseY + iy - jh`.
 */
const PHASE_UNIFORMS =
  'py : i32, px : i32, y0 : i32, x0 : i32, countY : i32, countX : i32, tapsH : i32, tapsW : i32, baseY : i32, baseX : i32,';
const INPUT_LOAD_A = `
  fn prepA(m : i32) -> vec4<i32> {
    let t = m / uniforms.countX;
    // (b, iy, ix, in range)
    return vec4<i32>(t / uniforms.countY, t % uniforms.countY, m % uniforms.countX, select(0, 1, m < uniforms.M));
  }
  fn loadA(k : i32, mi : vec4<i32>) -> f32 {
    if (k >= uniforms.K || mi.w == 0) { return 0.0; }
    let co = k % uniforms.outC;
    let j = k / uniforms.outC;
    let yo = uniforms.baseY + mi.y - j / uniforms.tapsW;
    let xo = uniforms.baseX + mi.z - j % uniforms.tapsW;
    if (yo < 0 || yo >= uniforms.outH || xo < 0 || xo >= uniforms.outW) { return 0.0; }
    return DY[((mi.x * uniforms.outH + yo) * uniforms.outW + xo) * uniforms.outC + co];
  }`;
const INPUT_LOAD_B = `
  fn prepB(n : i32) -> vec4<i32> {
    return vec4<i32>(n, select(0, 1, n < uniforms.N), 0, 0);
  }
  fn loadB(k : i32, ni : vec4<i32>) -> f32 {
    if (k >= uniforms.K || ni.y == 0) { return 0.0; }
    let co = k % uniforms.outC;
    let j = k / uniforms.outC;
    let r = uniforms.py + (j / uniforms.tapsW) * uniforms.strideH;
    let c = uniforms.px + (j % uniforms.tapsW) * uniforms.strideW;
    return W[((r * uniforms.kW + c) * uniforms.inC + ni.x) * uniforms.outC + co];
  }`;
const PHASE_STORE = `
  fn store(m : i32, n : i32, split : i32, value : f32) {
    let ix = m % uniforms.countX;
    let t = m / uniforms.countX;
    let iy = t % uniforms.countY;
    let b = t / uniforms.countY;
    let y = uniforms.y0 + iy * uniforms.strideH;
    let x = uniforms.x0 + ix * uniforms.strideW;
    setOutputAtIndex(((b * uniforms.inH + y) * uniforms.inW + x) * uniforms.inC + n, value);
  }`;

/** One stride phase along an axis: first pixel, pixel count, tap count and the dy offset of its first pixel. */
function phase(p: number, stride: number, pad: number, size: number, taps: number) {
  const first = (((p - pad) % stride) + stride) % stride;
  return {
    first,
    count: first < size ? Math.ceil((size - first) / stride) : 0,
    taps: p < taps ? Math.ceil((taps - p) / stride) : 0,
    base: (first + pad - p) / stride,
  };
}

/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and `conv2dTranspose`) on webgpu as implicit GEMMs
 * (M = pixels of a stride phase, N = Ci, K = its taps x Co), one dispatch per stride phase into one output.
 * Non-NHWC or non-float32 calls go to `fallback`.
 */
export function makeConv2DBackpropInput(fallback: tf.KernelFunc): WebgpuKernel {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (!handled('Conv2DBackpropInput', args, dy, filter))
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
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
    const g = geometry(info);
    const N = info.inChannels;
    const pixels = info.batchSize * Math.ceil(g.inH / g.strideH) * Math.ceil(g.inW / g.strideW); // the largest phase
    if (!fits('Conv2DBackpropInput', args, [Math.ceil(N / 64), Math.ceil(pixels / 64), 1])) {
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    let out: tf.TensorInfo | undefined;
    for (let py = 0; py < g.strideH; py++) {
      for (let px = 0; px < g.strideW; px++) {
        const ph = phase(py, g.strideH, g.padT, g.inH, info.filterHeight);
        const pw = phase(px, g.strideW, g.padL, g.inW, info.filterWidth);
        const M = info.batchSize * ph.count * pw.count;
        if (M === 0) continue; // no pixel of the input falls in this phase
        const K = ph.taps * pw.taps * info.outChannels; // 0: these pixels get no gradient, written as 0
        const kPerSplit = Math.ceil(K / 16) * 16;
        const program = workgroupProgram(
          'edlConv2DBackpropInput',
          ['DY', 'W'],
          [...inputShape],
          [Math.ceil(N / 64), Math.ceil(M / 64), 1],
          [16, 16, 1],
          CONV_GEMM_UNIFORMS + PHASE_UNIFORMS,
          implicitGemmShader(INPUT_LOAD_A, INPUT_LOAD_B, PHASE_STORE, true, true),
        );
        const uniforms = [
          ...convGemmUniforms({ M, N, K, kPerSplit, ...g }),
          ...[py, px, ph.first, pw.first, ph.count, pw.count, ph.taps, pw.taps, ph.base, pw.base].map((v) => ({
            type: 'int32' as const,
            data: [v],
          })),
        ];
        out = run(args.backend, program, [dy, filter], uniforms, out);
      }
    }
    if (!out) throw new Error(`Conv2DBackpropInput: empty input shape [${inputShape}]`);
    return out;
  };
}
