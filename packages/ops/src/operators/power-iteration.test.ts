import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomTensor } from '../testing/test-utils.ts';
import { convOperator } from './conv-operator.ts';
import { estimateLipschitz, lipschitzOnDevice } from './power-iteration.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Dense matrix of A (columns = A applied to unit vectors), then lambda_max(M^T M) in float64 by Jacobi sweeps. */
function exactLipschitz(op: ReturnType<typeof convOperator>): number {
  const n = op.inputShape.reduce((a, b) => a * b, 1);
  const m = op.outputShape.reduce((a, b) => a * b, 1);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const e = new Float32Array(n);
    e[j] = 1;
    const col = tf.tidy(() => op.forward(tf.tensor4d(e, op.inputShape)).dataSync());
    cols.push(Float64Array.from(col));
  }
  // Gram matrix S = M^T M (n x n), float64
  const S: number[][] = [];
  for (let i = 0; i < n; i++) {
    S.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += cols[i]![k]! * cols[j]![k]!;
      S[i]!.push(s);
    }
  }
  // cyclic Jacobi eigenvalue algorithm for a symmetric matrix
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += S[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = S[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (S[q]![q]! - S[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = S[k]![p]!;
          const akq = S[k]![q]!;
          S[k]![p] = c * akp - s * akq;
          S[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = S[p]![k]!;
          const aqk = S[q]![k]!;
          S[p]![k] = c * apk - s * aqk;
          S[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Math.max(...S.map((row, i) => row[i]!));
}

describe('estimateLipschitz', () => {
  it.each([
    [1, 'symmetric', 5, 5],
    [2, 'symmetric', 6, 5],
    [2, 'same', 6, 6],
  ] as const)(
    'stride %s, %s padding, %sx%s: matches the exact ||A||^2 of the dense operator',
    async (stride, padding, h, w) => {
      const W = randomTensor<tf.Rank.R4>([3, 3, 2, 3], 31);
      const op = convOperator(W, [1, h, w, 2], { strides: stride, padding });
      const exact = exactLipschitz(op);
      const est = await estimateLipschitz(op, { iterations: 500, tolerance: 1e-7, seed: 1 });
      expect(Math.abs(est.value - exact) / exact).toBeLessThan(1e-3);
      expect(est.value).toBeLessThanOrEqual(exact * (1 + 1e-5));
      expect(est.vector.shape).toEqual([1, h, w, 2]);
      expect(tf.norm(est.vector).dataSync()[0]).toBeCloseTo(1, 4);
      est.vector.dispose();
    },
  );

  it('uses batch 1 whatever the operator batch, and a warm start converges in fewer iterations', async () => {
    const W = randomTensor<tf.Rank.R4>([3, 3, 2, 3], 32);
    const op = convOperator(W, [4, 6, 6, 2]);
    const cold = await estimateLipschitz(op, { iterations: 300, tolerance: 1e-6, seed: 2 });
    const warm = await estimateLipschitz(op, { iterations: 300, tolerance: 1e-6, init: cold.vector });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(Math.abs(warm.value - cold.value) / cold.value).toBeLessThan(1e-4);
    tf.dispose([cold.vector, warm.vector]);
  });

  it('rejects bad options and a NaN filter with clear errors, leaking no tensor', async () => {
    const op = convOperator(tf.ones([3, 3, 2, 3]) as tf.Tensor4D, [1, 6, 6, 2]);
    await expect(estimateLipschitz(op, { iterations: 0 })).rejects.toThrow(/iterations must be an integer >= 1/);
    await expect(estimateLipschitz(op, { init: tf.ones([1, 5, 6, 2]) as tf.Tensor4D })).rejects.toThrow(
      /init: expected shape \[1, 6, 6, 2\], got \[1, 5, 6, 2\]/,
    );
    const nan = convOperator(tf.fill([3, 3, 2, 3], Number.NaN) as tf.Tensor4D, [1, 6, 6, 2]);
    const before = tf.memory().numTensors;
    await expect(estimateLipschitz(nan)).rejects.toThrow(/non-finite/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => lipschitzOnDevice(op, { iterations: 1.5 })).toThrow(/iterations must be an integer >= 1/);
  });
});

describe('lipschitzOnDevice', () => {
  it('gives the same estimate as estimateLipschitz run for the same iterations, as tensors, leaking nothing', async () => {
    const W = randomTensor<tf.Rank.R4>([3, 3, 2, 3], 33);
    const op = convOperator(W, [3, 6, 6, 2], { strides: 2 });
    const ref = await estimateLipschitz(op, { iterations: 20, tolerance: 0, seed: 4 });
    const before = tf.memory().numTensors;
    const dev = lipschitzOnDevice(op, { iterations: 20, seed: 4 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(dev.value.shape).toEqual([]);
    expect((await dev.value.data())[0]).toBeCloseTo(ref.value, 5);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(dev.vector, ref.vector))));
    expect((await diff.data())[0]).toBeLessThan(1e-6);
    tf.dispose([dev.value, dev.vector, ref.vector, diff]);
  });

  it('warm-starts from a previous vector and gives NaN (not an exception) for a NaN filter', async () => {
    const W = randomTensor<tf.Rank.R4>([3, 3, 2, 3], 34);
    const op = convOperator(W, [1, 6, 6, 2]);
    const exact = await estimateLipschitz(op, { iterations: 500, tolerance: 1e-8, seed: 5 });
    const warm = lipschitzOnDevice(op, { iterations: 2, init: exact.vector });
    expect(Math.abs((await warm.value.data())[0]! - exact.value) / exact.value).toBeLessThan(1e-5);
    const nan = lipschitzOnDevice(convOperator(tf.fill([3, 3, 2, 3], Number.NaN) as tf.Tensor4D, [1, 6, 6, 2]));
    expect(Number.isNaN((await nan.value.data())[0])).toBe(true);
    tf.dispose([exact.vector, warm.value, warm.vector, nan.value, nan.vector]);
  });
});
