/**
 * Writes an RGB image as 3 channels (copy) or 1 channel (luma `round(0.299 R + 0.587 G + 0.114 B)`).
 *
 * @param rgb - RGB bytes, 3 per pixel.
 * @param channels - 1 or 3.
 * @param dst - destination buffer.
 * @param offset - start in `dst`.
 */
export function toChannels(rgb: Uint8Array, channels: 1 | 3, dst: Uint8Array, offset: number): void {
  if (channels === 3) {
    dst.set(rgb, offset);
    return;
  }
  const n = rgb.length / 3;
  for (let p = 0; p < n; p++) {
    dst[offset + p] = Math.round(0.299 * rgb[3 * p]! + 0.587 * rgb[3 * p + 1]! + 0.114 * rgb[3 * p + 2]!);
  }
}
