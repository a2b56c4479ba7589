import { checkPositiveInt } from '../core/checkers.ts';
import { DatasetError } from '../core/dataset-error.ts';
/** Pixel storage the augmentations accept: one HWC image (uint8 store or float batch slot). */
export type ImageArray = Uint8Array | Float32Array;

/** Height, width and channels of one HWC image. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** Throws unless `img` holds exactly one image of `shape`. */
export function checkImage(fn: string, img: ImageArray, shape: ImageShape): void {
  const { height, width, channels } = shape;
  for (const [k, v] of [
    ['height', height],
    ['width', width],
    ['channels', channels],
  ] as const) {
    checkPositiveInt(`shape.${k}`, v);
  }
  if (img.length !== height * width * channels) {
    throw new DatasetError(
      'invalid-input',
      'img',
      `${fn}: image has ${img.length} values, expected ${height}x${width}x${channels}`,
    );
  }
}
