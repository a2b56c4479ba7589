import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dlr, dlrTargeted, perSampleCrossEntropy } from '../core/losses.ts';
import { perSampleNorm } from '../core/projections.ts';
import { createRng } from '../core/rng.ts';
import { linearLogits, makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { apgd } from './apgd.ts';
import { apgdRun } from './apgd-run.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: [number, number, number, number] = [4, 3, 3, 2];
const DIM = 18;

describe('DLR losses against hand-computed values', () => {
  it('dlr and targeted dlr', () => {
    // z = [1, 4, 2, 3], y = 0: -(1 - 4) / (4 - 2) = 1.5; y = 1: -(4 - 3) / (4 - 2) = -0.5.
    const z = tf.tensor2d([
      [1, 4, 2, 3],
      [1, 4, 2, 3],
    ]);
    expect(Array.from(dlr(z, tf.tensor1d([0, 1], 'int32')).dataSync())).toEqual([1.5, -0.5]);
    // targeted, y = 0, t = 3: -(1 - 3) / (4 - (2 + 1) / 2) = 2 / 2.5 = 0.8; y = 1, t = 2: -(4 - 2) / 2.5 = -0.8.
    const t = dlrTargeted(z, tf.tensor1d([0, 1], 'int32'), tf.tensor1d([3, 2], 'int32'));
    const values = Array.from(t.dataSync());
    expect(values[0]).toBeCloseTo(0.8, 6);
    expect(values[1]).toBeCloseTo(-0.8, 6);
  });
});

describe('apgd on a linear 2-class model reaches the closed-form worst case', () => {
  const lin = makeLinearModel(DIM, 2, 11);
  const x = makeImages(SHAPE, 3, 0.3, 0.7);
  const xRows = (tf.reshape(x, [4, -1]) as tf.Tensor2D).arraySync();
  const yArr = xRows.map((r) => {
    const z = linearLogits(lin, r);
    return (z[0] ?? 0) >= (z[1] ?? 0) ? 0 : 1;
  });
  const y = tf.tensor1d(yArr, 'int32');

  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: best CE equals softplus(-(m - eps ||w||_dual)) and the fooled set is exact`, async () => {
      const margins = xRows.map((r, i) => {
        const z = linearLogits(lin, r);
        const yi = yArr[i] ?? 0;
        return (z[yi] ?? 0) - (z[1 - yi] ?? 0);
      });
      const duals = yArr.map((yi) => {
        const w = Array.from(
          { length: DIM },
          (_, k) => (lin.weights[k * 2 + yi] ?? 0) - (lin.weights[k * 2 + 1 - yi] ?? 0),
        );
        return norm === 'linf' ? w.reduce((s, v) => s + Math.abs(v), 0) : Math.hypot(...w);
      });
      // eps that fools exactly the two samples with the smallest robustness radius m / ||w||_dual, box inactive.
      const radii = margins.map((m, i) => m / (duals[i] ?? 1));
      const sorted = [...radii].sort((a, b) => a - b);
      const eps = Math.min(((sorted[1] ?? 0) + (sorted[2] ?? 0)) / 2, norm === 'linf' ? 0.25 : 0.25);
      const out = await apgdRun(lin.model, x, y, {
        norm,
        eps,
        steps: 30,
        rho: 0.75,
        lossFn: perSampleCrossEntropy,
        eotIter: 1,
        rng: createRng(1),
      });
      const expectFooled = radii.map((r) => r < eps);
      expect(out.success).toEqual(expectFooled);
      out.lossBest.forEach((loss, i) => {
        if (expectFooled[i]) return;
        const worst = (margins[i] ?? 0) - eps * (duals[i] ?? 0);
        expect(loss).toBeCloseTo(Math.log1p(Math.exp(-worst)), 3);
      });
      const norms = Array.from(perSampleNorm(tf.sub(out.xAdv, x), norm).dataSync());
      norms.forEach((v, i) => {
        if (expectFooled[i]) expect(v).toBeLessThanOrEqual(eps + 1e-5);
        else expect(v).toBe(0);
      });
      out.xAdv.dispose();
    });
  }
});

describe('apgd attack', () => {
  const lin = makeLinearModel(DIM, 4, 5);
  const x = makeImages(SHAPE, 9, 0.2, 0.8);
  const y = tf.tidy(() => tf.cast(tf.argMax(lin.model(x), 1), 'int32') as tf.Tensor1D);

  it('stays in the ball and box, fools more with larger eps, and is seeded', async () => {
    for (const loss of ['ce', 'dlr'] as const) {
      for (const norm of ['linf', 'l2'] as const) {
        const small = await apgd({ eps: 0.001, norm, loss, steps: 10 }).run(lin.model, x, y);
        const big = await apgd({ eps: norm === 'linf' ? 0.3 : 2, norm, loss, steps: 10 }).run(lin.model, x, y);
        expect(small.success.filter(Boolean).length).toBeLessThanOrEqual(big.success.filter(Boolean).length);
        expect(big.success.filter(Boolean).length).toBe(4);
        expect(Math.max(...big.norms)).toBeLessThanOrEqual((norm === 'linf' ? 0.3 : 2) + 1e-5);
        const lo = tf.min(big.xAdv).dataSync()[0] ?? -1;
        const hi = tf.max(big.xAdv).dataSync()[0] ?? 2;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        tf.dispose([small.xAdv, big.xAdv]);
      }
    }
    const a = await apgd({ eps: 0.05, steps: 8, seed: 3 }).run(lin.model, x, y);
    const b = await apgd({ eps: 0.05, steps: 8, seed: 3 }).run(lin.model, x, y);
    expect(Array.from(a.xAdv.dataSync())).toEqual(Array.from(b.xAdv.dataSync()));
    tf.dispose([a.xAdv, b.xAdv]);
  });

  it('rejects bad options with named errors', () => {
    expect(() => apgd({ eps: -1 })).toThrow(/eps/);
    expect(() => apgd({ eps: 0.1, steps: 0 })).toThrow(/steps must be an integer >= 1/);
    expect(() => apgd({ eps: 0.1, rho: 2 })).toThrow(/rho/);
    expect(() => apgd({ eps: 0.1, eotIter: 0 })).toThrow(/eotIter/);
  });

  it('keeps the tensor count flat over long runs', async () => {
    const attack = apgd({ eps: 0.01, steps: 25, norm: 'l2' });
    const warm = await attack.run(lin.model, x, y);
    warm.xAdv.dispose();
    const before = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) (await attack.run(lin.model, x, y)).xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('apgd eotIter', () => {
  it('averages the gradient over eotIter model calls per iterate', async () => {
    const lin = makeLinearModel(DIM, 3, 8);
    const x = makeImages(SHAPE, 4, 0.3, 0.7);
    const y = tf.tidy(() => tf.cast(tf.argMax(lin.model(x), 1), 'int32') as tf.Tensor1D);
    const callsFor = async (eotIter: number) => {
      let calls = 0;
      const counting = (input: tf.Tensor4D) => {
        calls++;
        return lin.model(input);
      };
      const res = await apgd({ eps: 1e-6, steps: 3, eotIter }).run(counting, x, y);
      expect(res.success.some(Boolean)).toBe(false);
      res.xAdv.dispose();
      return calls;
    };
    // class count + clean check + final check = 3 calls, plus (steps + 1) * eotIter gradient calls.
    expect(await callsFor(1)).toBe(3 + 4);
    expect(await callsFor(4)).toBe(3 + 16);
  });
});
