import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  autoAttack,
  carliniWagnerL2,
  corruption,
  deepfool,
  evaluateRobustness,
  fgsm,
  pgd,
  sparsefool,
} from './index.ts';
import { tinyCnn } from './testing/auto-attack-test-cnn.ts';
import { makeImages } from './testing/test-helpers.ts';

const src = fileURLToPath(new URL('.', import.meta.url));

function libraryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : libraryFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// WebGPU in Node (and WebGL in a page without blocking) cannot read a tensor synchronously: the library may only use
// `await t.data()` / `array()`.
describe('asynchronous reads only', () => {
  it('no library file calls dataSync, arraySync or bufferSync', () => {
    const offenders = libraryFiles(src).filter((f) =>
      /\b(dataSync|arraySync|bufferSync)\s*\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(src, f))).toEqual([]);
  });

  it('attacks and the evaluator run with synchronous reads disabled', async () => {
    const x = makeImages([4, 4, 5, 2], 3, 0, 1);
    const cnn = tinyCnn(x, 5, 3);
    const y = tf.tidy(() => tf.cast(tf.argMax(cnn.model(x), 1), 'int32') as tf.Tensor1D);
    const forbid = () => {
      throw new Error('synchronous read');
    };
    const spies = [
      vi.spyOn(tf.Tensor.prototype, 'dataSync').mockImplementation(forbid),
      vi.spyOn(tf.Tensor.prototype, 'arraySync').mockImplementation(forbid),
      vi.spyOn(tf.Tensor.prototype, 'bufferSync').mockImplementation(forbid),
    ];
    const attacks = [
      fgsm({ eps: 0.05 }),
      pgd({ eps: 0.05, steps: 2, keep: 'best', restarts: 2, onStep: () => {} }),
      carliniWagnerL2({ binarySearchSteps: 2, steps: 3 }),
      deepfool({ steps: 2 }),
      sparsefool({ steps: 1, deepfoolSteps: 2 }),
      corruption({ type: 'impulse', severity: 2 }),
      autoAttack({ norm: 'linf', eps: 0.05, budget: 0.02, nTargets: 1 }),
    ];
    const report = await evaluateRobustness(cnn.model, { x, y }, attacks, { batchSize: 2 });
    expect(report.attacks.length).toBe(attacks.length);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    // AutoAttack's own findings reach the evaluator's report, with their source.
    expect(report.flags.find((f) => f.id === 'reduced-budget-autoattack')?.source).toBe('autoattack-reduced');
  });
});
