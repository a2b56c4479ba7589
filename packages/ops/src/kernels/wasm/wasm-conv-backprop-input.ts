import type * as tf from '@tensorflow/tfjs';
import { convBackpropInfo } from './wasm-conv-backprop-info.ts';
import { type KernelArgs, Scratch, type WasmBackendLike, wasmKernel } from './wasm-kernel-utils.ts';

/**
 * Sub-pixel plan of the transposed convolution along one axis.
 *
 * The adjoint of `y[i] = sum_k xpad[i s + k] W[k]` (with `xpad[q] = x[q - top]`) is
 * `dx[u] = sum_{i,k : i s + k = u + top} dy[i] W[k]`. Split the output positions by phase `r = u mod s`
 * (`u = s m + r`): with `c = r + top`, the taps are `k = s d + (c mod s)` and read `dy[m + floor(c/s) - d]`.
 * Every phase is a stride-1 correlation over `dy`; all phases share one window `e = floor(c/s) - d + pad`
 * of `taps` entries, so one stride-1 conv with `s` phases (per axis) as extra output channels computes all of
 * them, and a depth-to-space interleave puts them in place. No multiply touches an inserted zero.
 */
interface AxisPlan {
  stride: number;
  /** Window (kernel) size of the phase conv along this axis. */
  taps: number;
  /** Padding before dy (>= 0), or rows of dy to skip when negative. */
  padBefore: number;
  padAfter: number;
  /** Phase conv output positions (>= ceil(outSize / stride)). */
  positions: number;
  /** For each phase r: list of [filter index k, window index e]. */
  phaseTaps: Array<Array<[number, number]>>;
}

function planAxis(kernel: number, stride: number, top: number, outSize: number, dySize: number): AxisPlan {
  const raw: Array<Array<[number, number]>> = [];
  let omin = Number.POSITIVE_INFINITY;
  let omax = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < stride; r++) {
    const c = r + top;
    const kr = c % stride;
    const f = Math.floor(c / stride);
    const list: Array<[number, number]> = [];
    for (let d = 0; stride * d + kr < kernel; d++) {
      const o = f - d;
      omin = Math.min(omin, o);
      omax = Math.max(omax, o);
      list.push([stride * d + kr, o]);
    }
    raw.push(list);
  }
  const taps = omax - omin + 1;
  const padBefore = -omin;
  const needed = Math.ceil(outSize / stride);
  const padAfter = Math.max(0, needed - dySize - padBefore + taps - 1);
  const positions = dySize + padBefore + padAfter - taps + 1;
  const phaseTaps = raw.map((list) => list.map(([k, o]): [number, number] => [k, o - omin]));
  return { stride, taps, padBefore, padAfter, positions, phaseTaps };
}

/**
 * Builds the phase filter `[tapsH, tapsW, Cout, sh * sw * Cin]` from `W` `[kh, kw, Cin, Cout]`: output channel
 * `(rh * sw + rw) * Cin + ci` of window `(eh, ew)` holds `W[kh, kw, ci, :]` for the tap of phase `(rh, rw)` that
 * falls there, zero elsewhere (the channel order of DepthToSpace, NHWC).
 */
function phaseFilter(w: Float32Array, cin: number, cout: number, kw: number, ph: AxisPlan, pw: AxisPlan): Float32Array {
  const outC = ph.stride * pw.stride * cin;
  const out = new Float32Array(ph.taps * pw.taps * cout * outC);
  for (let rh = 0; rh < ph.stride; rh++) {
    for (let rw = 0; rw < pw.stride; rw++) {
      const phase = (rh * pw.stride + rw) * cin;
      for (const [kh, eh] of ph.phaseTaps[rh]!) {
        for (const [kwi, ew] of pw.phaseTaps[rw]!) {
          const src = (kh * kw + kwi) * cin * cout;
          const dst = (eh * pw.taps + ew) * cout * outC;
          for (let ci = 0; ci < cin; ci++) {
            const s = src + ci * cout;
            for (let co = 0; co < cout; co++) out[dst + co * outC + phase + ci] = w[s + co]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * `Conv2DBackpropInput` for the wasm backend (the op behind `tf.conv2dTranspose` and the input gradient of
 * `tf.conv2d`), built on the XNNPACK `Conv2D`: one stride-1 conv over `dy` with a rearranged (sub-pixel) filter,
 * then, for stride > 1 or when the phase grid overshoots, one interleave-and-crop pass. At stride 2 this does
 * 4x fewer multiplies than convolving a zero-inserted `dy` (for 3x3: 16 instead of 36 per 4 outputs). Replaces
 * the stock single-threaded naive loop. NHWC only, dilation 1 (what tfjs's gradient and conv2dTranspose use).
 */
export function wasmConv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape } = attrs as unknown as { inputShape: [number, number, number, number] };
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const info = convBackpropInfo('Conv2DBackpropInput', attrs, inputShape, [kh, kw, cin, cout]);
  const [b, h, w] = inputShape;
  const [, hy, wy] = dy.shape as [number, number, number, number];
  const ph = planAxis(kh, info.strideHeight, info.padInfo.top, h, hy);
  const pw = planAxis(kw, info.strideWidth, info.padInfo.left, w, wy);

  const conv2d = wasmKernel('Conv2D');
  const scratch = new Scratch(backend);
  try {
    let d = dy;
    if (ph.padBefore < 0 || pw.padBefore < 0) {
      const skipH = Math.max(0, -ph.padBefore);
      const skipW = Math.max(0, -pw.padBefore);
      d = scratch.keep(
        wasmKernel('Slice')({
          inputs: { x: dy },
          backend,
          attrs: { begin: [0, skipH, skipW, 0], size: [b, hy - skipH, wy - skipW, cout] },
        }),
      );
    }
    const wData = backend.readSync(filter.dataId) as Float32Array;
    const fShape = [ph.taps, pw.taps, cout, ph.stride * pw.stride * cin];
    const f = scratch.keep(backend.makeOutput(fShape, 'float32'));
    backend.typedArrayFromHeap(f).set(phaseFilter(wData, cin, cout, kw, ph, pw));
    const convPad = [
      [0, 0],
      [Math.max(0, ph.padBefore), ph.padAfter],
      [Math.max(0, pw.padBefore), pw.padAfter],
      [0, 0],
    ];
    const out = conv2d({
      inputs: { x: d, filter: f },
      backend,
      attrs: { strides: [1, 1], pad: convPad, dataFormat: 'NHWC', dilations: [1, 1] },
    });
    const exact = ph.stride === 1 && pw.stride === 1 && ph.positions === h && pw.positions === w;
    if (exact) return out;
    scratch.keep(out);
    return interleave(out, ph.stride, pw.stride, [b, h, w, cin], backend);
  } finally {
    scratch.free();
  }
}

/**
 * Phase channels `[B, M, N, sh * sw * C]` (channel `(rh * sw + rw) * C + c`) to pixels `[B, H, W, C]` with
 * `y = m sh + rh < H`, `x = n sw + rw < W`: the interleave (depth-to-space) and the crop in one pass. For fixed
 * `(b, m, n, rh)` the `sw * C` source values are contiguous and land contiguously, so this is a series of block
 * copies on the wasm heap (the stock DepthToSpace kernel moves one element at a time and was ~2x slower than the
 * phase conv itself).
 */
function interleave(
  x: tf.TensorInfo,
  sh: number,
  sw: number,
  outShape: [number, number, number, number],
  backend: WasmBackendLike,
): tf.TensorInfo {
  const [, m, n] = x.shape as [number, number, number, number];
  const [b, h, w, c] = outShape;
  const out = backend.makeOutput(outShape, 'float32');
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rowBlock = sw * c;
  for (let bi = 0; bi < b; bi++) {
    for (let mi = 0; mi < m; mi++) {
      for (let rh = 0; rh < sh; rh++) {
        const y = mi * sh + rh;
        if (y >= h) break;
        const dstRow = (bi * h + y) * w * c;
        const srcRow = ((bi * m + mi) * n * sh + rh) * rowBlock;
        for (let ni = 0; ni < n; ni++) {
          const x0 = ni * sw;
          if (x0 >= w) break;
          const len = Math.min(sw, w - x0) * c;
          const so = srcRow + ni * sh * rowBlock;
          dst.set(src.subarray(so, so + len), dstRow + x0 * c);
        }
      }
    }
  }
  return out;
}
