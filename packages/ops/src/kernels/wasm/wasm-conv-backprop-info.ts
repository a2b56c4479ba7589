import * as tf from '@tensorflow/tfjs';
import { OpsError } from '../../errors/ops-error.ts';

/** The convolution attributes tfjs passes to both `Conv2DBackpropFilter` and `Conv2DBackpropInput`. */
interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The forward-conv geometry (`computeConv2DInfo`, NHWC, dilation 1) behind the wasm `Conv2DBackpropFilter` and
 * `Conv2DBackpropInput` kernels, from the kernel's attributes and the forward conv's input and filter shapes.
 * @throws OpsError ('unsupported') naming `kernelName` when `attrs.dataFormat` is given and is not 'NHWC'.
 */
export function convBackpropInfo(
  kernelName: string,
  attrs: tf.NamedAttrMap,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
): tf.backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as ConvBackpropAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new OpsError(
      'unsupported',
      'dataFormat',
      `${kernelName} (wasm, @edl/ops): dataFormat must be 'NHWC', got '${dataFormat}'`,
    );
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}
