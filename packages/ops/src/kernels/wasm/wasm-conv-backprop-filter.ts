import type * as tf from '@tensorflow/tfjs';
import { convBackpropInfo } from './wasm-conv-backprop-info.ts';
import { type KernelArgs, Scratch, wasmKernel } from './wasm-kernel-utils.ts';

/**
 * `Conv2DBackpropFilter` for the wasm backend (missing upstream, so stock tfjs-backend-wasm cannot train a conv),
 * as one XNNPACK `Conv2D`:
 *
 * `dW[kh, kw, ci, co] = sum_{b,i,j} xpad[b, i s + kh, j s + kw, ci] dy[b, i, j, co]`
 * `= conv2d(x^T: [Cin, H, W, B], dy^T: [Ho, Wo, B, Cout], stride 1, dilation s)[ci, kh, kw, co]`.
 *
 * The zero padding of `x` goes to the conv as explicit padding (no padded copy of `x`), and the bottom / right
 * padding is trimmed so the conv yields exactly `kh x kw` positions (no crop) whenever the geometry allows.
 * NHWC only, dilation 1.
 */
export function wasmConv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
  const info = convBackpropInfo(
    'Conv2DBackpropFilter',
    attrs,
    x.shape as [number, number, number, number],
    filterShape,
  );
  const [kh, kw, cin, cout] = filterShape;
  const [, h, w] = x.shape as [number, number, number, number];
  const [, ho, wo] = dy.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const { top, left } = info.padInfo;
  // Conv output size along H is h + top + bottom - sh (ho - 1); choose bottom so that it is exactly kh.
  const bottom = kh + sh * (ho - 1) - h - top;
  const right = kw + sw * (wo - 1) - w - left;

  const transpose = wasmKernel('Transpose');
  const scratch = new Scratch(backend);
  try {
    const xt = scratch.keep(transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }));
    const dyt = scratch.keep(transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }));
    let r = scratch.keep(
      wasmKernel('Conv2D')({
        inputs: { x: xt, filter: dyt },
        backend,
        attrs: {
          strides: [1, 1],
          pad: [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [sh, sw],
        },
      }),
    );
    if (r.shape[1]! < kh || r.shape[2]! < kw) {
      throw new Error(
        `Conv2DBackpropFilter (wasm, @edl/ops): internal geometry error, got [${r.shape}] for ${kh}x${kw}`,
      );
    }
    if (r.shape[1] !== kh || r.shape[2] !== kw) {
      r = scratch.keep(
        wasmKernel('Slice')({ inputs: { x: r }, backend, attrs: { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] } }),
      );
    }
    return transpose({ inputs: { x: r }, backend, attrs: { perm: [1, 2, 0, 3] } });
  } finally {
    scratch.free();
  }
}
