import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attack } from '../core/attack.ts';
import { perSampleNorm } from '../core/projections.ts';
import { createRng } from '../core/rng.ts';
import { attackCatalog } from '../testing/attack-catalog.ts';
import { makeLinearModel } from '../testing/test-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const lin = makeLinearModel(2 * 3 * 3, 4, 77, 2);
const surrogate = makeLinearModel(2 * 3 * 3, 4, 78, 2);
const all = (eps: number, seed: number): Attack[] =>
  Object.values(attackCatalog).flatMap((make) => make(eps, seed, surrogate.model));

/** Images with many pixels exactly at 0 or 1, so box clipping matters. */
function edgyImages(seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: 3 * 2 * 3 * 3 }, () => {
    const u = rng.uniform();
    return u < 0.3 ? 0 : u > 0.7 ? 1 : rng.uniform();
  });
  return tf.tensor4d(data, [3, 2, 3, 3]);
}

describe('the attack catalog lists every attack factory', () => {
  it('every exported function returning an Attack is in the catalog', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(join(dir, e.name))
          : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
            ? [join(dir, e.name)]
            : [],
      );
    // An exported function header `export function name(...): ReturnType {`; keep those returning an Attack.
    const header = /export (?:async )?function (\w+)(?:<[^(]*>)?\([\s\S]*?\):\s*([\w<>, |&.]+?)\s*\{\n/g;
    const factories = files(src).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(header)]
        .filter((m) => /^(Attack|AutoAttack)\b/.test(m[2] ?? ''))
        .map((m) => m[1] as string),
    );
    const listed = Object.keys(attackCatalog);
    expect(factories.filter((f) => f !== 'defineAttack' && !listed.includes(f))).toEqual([]);
    expect(factories.length).toBeGreaterThanOrEqual(listed.length);
  });
});

describe('every attack stays inside its budget and the [0, 1] box (property)', () => {
  for (const [index, attack] of all(0.1, 0).entries()) {
    it(`${index}: ${attack.name} (${attack.threat.norm})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 1e6 }),
          fc.double({ min: 0, max: 0.3, noNaN: true }),
          async (seed, eps) => {
            const x = edgyImages(seed);
            const y = tf.tensor1d([seed % 4, (seed + 1) % 4, (seed + 2) % 4], 'int32');
            const made = all(eps, seed)[index] as Attack;
            const r = await made.run(lin.model, x, y);
            const { norm, eps: budget = Number.POSITIVE_INFINITY } = made.threat;
            const measured = perSampleNorm(tf.sub(r.xAdv, x), norm === 'none' ? 'l2' : norm).dataSync();
            for (const v of measured) expect(v).toBeLessThanOrEqual(budget + 1e-5 * Math.max(1, budget));
            for (const [i, v] of r.norms.entries()) expect(v).toBeCloseTo(measured[i] ?? Number.NaN, 4);
            expect(tf.min(r.xAdv).dataSync()[0]).toBeGreaterThanOrEqual(0);
            expect(tf.max(r.xAdv).dataSync()[0]).toBeLessThanOrEqual(1);
            expect(r.success.length).toBe(3);
            tf.dispose([x, y, r.xAdv]);
          },
        ),
        { numRuns: 4, seed: 1234 },
      );
    });
  }
});

describe('determinism and memory', () => {
  const x = edgyImages(9);
  const y = tf.tensor1d([0, 1, 2], 'int32');
  for (const [index, attack] of all(0.1, 4).entries()) {
    it(`${index}: ${attack.name} (${attack.threat.norm}): same seed, same result; tensor count flat`, async () => {
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
