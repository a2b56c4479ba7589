import { describe, expect, it } from 'vitest';
import { computeChannelStats } from './channel-stats.ts';
import { createImageSet } from './image-set.ts';

describe('computeChannelStats', () => {
  it('matches a two-pass computation per channel', () => {
    const images = Uint8Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => (i * 53) % 256);
    const set = createImageSet({
      images,
      labels: Int32Array.of(0, 0, 0),
      height: 2,
      width: 2,
      channels: 2,
      numClasses: 1,
    });
    const { mean, std } = computeChannelStats(set);
    for (let c = 0; c < 2; c++) {
      const v = [...images].filter((_, i) => i % 2 === c).map((b) => b / 255);
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
      expect(mean[c]).toBeCloseTo(m, 10);
      expect(std[c]).toBeCloseTo(sd, 10);
    }
  });
});
