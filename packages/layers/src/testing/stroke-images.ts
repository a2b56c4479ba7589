import * as tf from '@tensorflow/tfjs';
import { randomArray } from './reference-rista.ts';

/**
 * MNIST-like test images `[batch, size, size, 1]`: an exactly zero background with a few bright pen strokes
 * (values in [0.5, 1]), seeded. The exact zeros matter: where the residual is 0 the RISTA weight `w` reaches its
 * bound `1 / (2 eps)`, which is what makes a too-long step raise the l1 objective on digits (random dense data
 * rarely shows it). For tests only.
 */
export function strokeImages(batch: number, size: number, seed: number, strokes = 3): tf.Tensor4D {
  const pixels = new Float32Array(batch * size * size);
  const rnd = randomArray(batch * strokes * 5, seed).map((v) => (v + 1) / 2); // uniform [0, 1)
  let k = 0;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < strokes; s++) {
      const [r0, c0, r1, c1, v] = [rnd[k++]!, rnd[k++]!, rnd[k++]!, rnd[k++]!, rnd[k++]!];
      const from = [1 + r0 * (size - 2), 1 + c0 * (size - 2)];
      const to = [1 + r1 * (size - 2), 1 + c1 * (size - 2)];
      const n = 2 * size;
      for (let i = 0; i <= n; i++) {
        const r = Math.round(from[0]! + ((to[0]! - from[0]!) * i) / n);
        const c = Math.round(from[1]! + ((to[1]! - from[1]!) * i) / n);
        pixels[(b * size + r) * size + c] = 0.5 + 0.5 * v;
      }
    }
  }
  return tf.tensor4d(pixels, [batch, size, size, 1]);
}
