import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attack } from '../core/attack.ts';
import { perSampleNorm } from '../core/projections.ts';
import { createRng } from '../core/rng.ts';
import { corruption } from '../corruptions/corruptions.ts';
import { carliniWagnerL2 } from '../gradient/carlini-wagner-l2.ts';
import { fgsm } from '../gradient/fgsm.ts';
import { pgd } from '../gradient/pgd.ts';
import { deepfool } from '../minimal/deepfool.ts';
import { sparsefool } from '../minimal/sparsefool.ts';
import { makeLinearModel } from '../testing/test-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const lin = makeLinearModel(2 * 3 * 3, 4, 77, 2);

/** Images with many pixels exactly at 0 or 1, so box clipping matters. */
function edgyImages(seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: 3 * 2 * 3 * 3 }, () => {
    const u = rng.uniform();
    return u < 0.3 ? 0 : u > 0.7 ? 1 : rng.uniform();
  });
  return tf.tensor4d(data, [3, 2, 3, 3]);
}

const factories: Record<string, (eps: number, seed: number) => Attack> = {
  fgsm: (eps, seed) => fgsm({ eps, randomStart: true, seed }),
  'pgd-linf': (eps, seed) => pgd({ eps, steps: 3, restarts: 2, seed }),
  'pgd-linf-cw-targeted': (eps, seed) => pgd({ eps, steps: 3, loss: 'cw', targeted: true, targetMode: 'random', seed }),
  'pgd-l2': (eps, seed) => pgd({ eps: eps * 4, norm: 'l2', steps: 3, seed, stepSize: eps * 8 }),
  'cw-l2': (eps) => carliniWagnerL2({ eps: eps * 4, maxIterations: 20, binarySearchSteps: 2 }),
  deepfool: (eps) => deepfool({ eps: eps * 4 }),
};

describe('every attack stays inside its budget and the [0, 1] box (property)', () => {
  for (const [name, make] of Object.entries(factories)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1e6 }),
          fc.double({ min: 0, max: 0.3, noNaN: true }),
          async (seed, eps) => {
            const x = edgyImages(seed);
            const y = tf.tensor1d([seed % 4, (seed + 1) % 4, (seed + 2) % 4], 'int32');
            const attack = make(eps, seed);
            const r = await attack.run(lin.model, x, y);
            const budget = attack.eps ?? Number.POSITIVE_INFINITY;
            const measured = perSampleNorm(tf.sub(r.xAdv, x), attack.norm === 'l2' ? 'l2' : 'linf').dataSync();
            for (const v of measured) expect(v).toBeLessThanOrEqual(budget + 1e-5 * Math.max(1, budget));
            expect(tf.min(r.xAdv).dataSync()[0]).toBeGreaterThanOrEqual(0);
            expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
            expect(r.success.length).toBe(3);
            tf.dispose([x, y, r.xAdv]);
          },
        ),
        { numRuns: 6, seed: 1234 },
      );
    });
  }

  it('corruptions and sparsefool stay in the box', async () => {
    for (const attack of [corruption({ type: 'gaussian', severity: 5 }), sparsefool({ maxIter: 3 })]) {
      const x = edgyImages(3);
      const r = await attack.run(lin.model, x, tf.tensor1d([0, 1, 2], 'int32'));
      expect(tf.min(r.xAdv).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
    }
  });
});

describe('determinism and memory', () => {
  const x = edgyImages(9);
  const y = tf.tensor1d([0, 1, 2], 'int32');
  const all: Attack[] = [
    ...Object.values(factories).map((f) => f(0.1, 4)),
    sparsefool({ maxIter: 2 }),
    corruption({ type: 'shot', severity: 3, seed: 2 }),
  ];
  for (const attack of all) {
    it(`${attack.name}: same seed, same result; tensor count flat`, async () => {
      const a = await attack.run(lin.model, x, y);
      const before = tf.memory().numTensors;
      const b = await attack.run(lin.model, x, y);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(tf.max(tf.abs(tf.sub(a.xAdv, b.xAdv))).dataSync()[0]).toBe(0);
      expect(b.success).toEqual(a.success);
      tf.dispose([a.xAdv, b.xAdv]);
    });
  }
});
