import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '../errors/checkers.ts';
import { OpsError } from '../errors/ops-error.ts';
import { asShape4, type ConvPadding, convOutputSize, resolvePadding, type TfPadding } from './padding.ts';

/** Geometry of a convolution operator `A`. */
export interface ConvGeometry {
  /** Stride, one number for both axes or `[sh, sw]`. Default 1. */
  strides?: number | [number, number];
  /** Padding, see {@link ConvPadding}. Default `'symmetric'` (PyTorch-equivalent). */
  padding?: ConvPadding;
  /**
   * Check that the filter holds no NaN / Inf, throwing a clear Error otherwise (default false). It costs one
   * synchronous scalar read-back, so leave it off in hot loops; refused on the webgpu backend (a synchronous read
   * fails there in Node), where `await tf.all(tf.isFinite(filter)).data()` does the same.
   * {@link estimateLipschitz} always detects a non-finite operator.
   */
  checkFinite?: boolean;
}

/**
 * The operator pair of a dictionary layer: `A(x) = conv2d(x, W)` maps an image `[B, H, W, C]` to codes
 * `[B, Ho, Wo, D]`, and `A*(z)` is its exact adjoint, `conv2dTranspose(z, W)` with the same filter, strides,
 * padding and the input shape, so that `<A x, z> = <x, A* z>`.
 */
export interface ConvOperator {
  /** Input (image) shape `[B, H, W, C]` this operator was built for. */
  readonly inputShape: [number, number, number, number];
  /** Output (code) shape `[B, Ho, Wo, D]`. */
  readonly outputShape: [number, number, number, number];
  /** The filter `[kh, kw, C, D]`. */
  readonly filter: tf.Tensor4D;
  readonly strides: [number, number];
  readonly pad: TfPadding;
  /** `A(x)`: conv2d. Refuses an input whose shape differs from {@link ConvOperator.inputShape}. */
  forward(x: tf.Tensor4D): tf.Tensor4D;
  /** `A*(z)`: the exact adjoint. Refuses codes whose shape differs from {@link ConvOperator.outputShape}. */
  adjoint(z: tf.Tensor4D): tf.Tensor4D;
}

function normStrides(strides: number | [number, number] | undefined): [number, number] {
  const s: [number, number] =
    strides === undefined ? [1, 1] : typeof strides === 'number' ? [strides, strides] : strides;
  if (!s.every((v) => Number.isInteger(v) && v >= 1)) {
    invalidOption('strides', 'an integer >= 1 or a pair of them', strides);
  }
  return s;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Builds the operator pair `A`, `A*` for `filter` (`[kh, kw, C, D]`) acting on inputs of `inputShape`.
 *
 * @example
 * const W = tf.randomNormal([3, 3, 3, 8]) as tf.Tensor4D;
 * const op = convOperator(W, [2, 16, 16, 3], { strides: 2 });
 * const z = op.forward(x);      // [2, 8, 8, 8]
 * const xr = op.adjoint(z);     // [2, 16, 16, 3]
 */
export function convOperator(
  filter: tf.Tensor4D,
  inputShape: readonly number[],
  geometry: ConvGeometry = {},
): ConvOperator {
  if (filter.rank !== 4) {
    throw new OpsError(
      'invalid-input',
      'filter',
      `filter: expected rank 4 [kh, kw, inChannels, outChannels], got shape [${filter.shape.join(', ')}]`,
    );
  }
  const shape = asShape4(inputShape, 'inputShape');
  const [kh, kw, cin, cout] = filter.shape;
  if (shape[3] !== cin) {
    throw new OpsError(
      'invalid-input',
      'inputShape',
      `input channels: the input has ${shape[3]} channels but the filter [${filter.shape.join(', ')}] expects ${cin}`,
    );
  }
  if (geometry.checkFinite) {
    if (tf.getBackend() === 'webgpu') {
      throw new OpsError(
        'unsupported',
        'checkFinite',
        'checkFinite: needs a synchronous read-back, which the webgpu backend cannot do (in Node); leave it off and check with `await tf.all(tf.isFinite(filter)).data()`',
      );
    }
    const finite = tf.tidy(() => tf.all(tf.isFinite(filter)).dataSync()[0]);
    if (!finite)
      throw new OpsError('invalid-input', 'filter', `filter: contains NaN or Inf (shape [${filter.shape.join(', ')}])`);
  }
  const strides = normStrides(geometry.strides);
  const pad = resolvePadding(geometry.padding ?? 'symmetric', [kh, kw]);
  const ho = convOutputSize(shape[1], kh, strides[0], pad, 1);
  const wo = convOutputSize(shape[2], kw, strides[1], pad, 2);
  if (ho < 1 || wo < 1) {
    throw new OpsError(
      'invalid-input',
      'inputShape',
      `inputShape: [${shape.join(', ')}] is too small for a ${kh}x${kw} kernel with this padding`,
    );
  }
  const outputShape: [number, number, number, number] = [shape[0], ho, wo, cout];
  return {
    inputShape: shape,
    outputShape,
    filter,
    strides,
    pad,
    forward(x) {
      if (!sameShape(x.shape, shape)) {
        throw new OpsError(
          'invalid-input',
          'x',
          `A(x): x has shape [${x.shape.join(', ')}], the operator was built for [${shape.join(', ')}]`,
        );
      }
      return tf.conv2d(x, filter, strides, pad);
    },
    adjoint(z) {
      if (!sameShape(z.shape, outputShape)) {
        throw new OpsError(
          'invalid-input',
          'z',
          `A*(z): z has shape [${z.shape.join(', ')}], the adjoint of this operator takes [${outputShape.join(', ')}]`,
        );
      }
      return tf.conv2dTranspose(z, filter, shape, strides, pad);
    },
  };
}
