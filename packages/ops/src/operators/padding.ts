import { checkNonNegativeInt } from '../errors/checkers.ts';
import { OpsError } from '../errors/ops-error.ts';
/** Explicit NHWC padding as tfjs takes it: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Padding of a convolution.
 *
 * - `'symmetric'` (the default of every EDL layer): PyTorch's `padding = (k - 1) / 2` on every side, so exported
 *   weights compute the same function in PyTorch, also at stride 2 where tfjs `'same'` pads only bottom/right.
 * - `'same'` / `'valid'`: tfjs semantics.
 * - a number `p`: `p` zeros on every side.
 * - an {@link ExplicitPadding} array.
 */
export type ConvPadding = 'symmetric' | 'same' | 'valid' | number | ExplicitPadding;

/** What tfjs `conv2d` / `conv2dTranspose` accept as `pad`. */
export type TfPadding = 'same' | 'valid' | ExplicitPadding;

/**
 * Turns a {@link ConvPadding} into the value tfjs takes, for a kernel of `kernelSize`.
 *
 * @example
 * resolvePadding('symmetric', [3, 3]); // [[0, 0], [1, 1], [1, 1], [0, 0]]
 */
export function resolvePadding(padding: ConvPadding, kernelSize: readonly [number, number]): TfPadding {
  if (padding === 'same' || padding === 'valid') return padding;
  if (padding === 'symmetric') {
    const [kh, kw] = kernelSize;
    const ph = Math.floor((kh - 1) / 2);
    const pw = Math.floor((kw - 1) / 2);
    return [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ];
  }
  if (typeof padding === 'number') {
    checkNonNegativeInt('padding', padding);
    return [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
  }
  if (
    !Array.isArray(padding) ||
    padding.length !== 4 ||
    !padding.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0))
  ) {
    throw new OpsError(
      'invalid-option',
      'padding',
      `padding: expected 'symmetric', 'same', 'valid', a non-negative integer or [[0,0],[top,bottom],[left,right],[0,0]], got ${JSON.stringify(padding)}`,
    );
  }
  if (padding[0][0] !== 0 || padding[0][1] !== 0 || padding[3][0] !== 0 || padding[3][1] !== 0) {
    throw new OpsError(
      'invalid-option',
      'padding',
      `padding: batch and channel padding must be [0, 0], got ${JSON.stringify(padding)}`,
    );
  }
  return padding;
}

/** Output spatial size of a conv along one axis, for resolved padding. */
export function convOutputSize(inSize: number, kernel: number, stride: number, pad: TfPadding, axis: 1 | 2): number {
  if (pad === 'same') return Math.ceil(inSize / stride);
  if (pad === 'valid') return Math.floor((inSize - kernel) / stride) + 1;
  const [before, after] = pad[axis];
  return Math.floor((inSize + before + after - kernel) / stride) + 1;
}

/** Type guard for the shape tuple tfjs expects. */
export function asShape4(shape: readonly number[], name: string): [number, number, number, number] {
  if (shape.length !== 4)
    throw new OpsError('invalid-option', name, `${name}: expected a rank-4 NHWC shape, got [${shape.join(', ')}]`);
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}
