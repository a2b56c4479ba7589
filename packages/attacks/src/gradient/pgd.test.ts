import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { perSampleCrossEntropy } from '../core/losses.ts';
import { linearLogits, makeImages, makeLinearModel } from '../testing/test-helpers.ts';
import { fgsm } from './fgsm.ts';
import { pgd } from './pgd.ts';
import { pgdAscent } from './pgd-ascent.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: [number, number, number, number] = [4, 3, 3, 2];
const DIM = 18;

/** Closed-form minimal binary margin of a 2-class linear model over the eps-ball (box inactive). */
function closedForm(lin: ReturnType<typeof makeLinearModel>, x: number[], y: number, eps: number, norm: 'linf' | 'l2') {
  const j = 1 - y;
  const z = linearLogits(lin, x);
  const w = Array.from({ length: DIM }, (_, i) => (lin.weights[i * 2 + y] ?? 0) - (lin.weights[i * 2 + j] ?? 0));
  const m = (z[y] ?? 0) - (z[j] ?? 0);
  const dual = norm === 'linf' ? w.reduce((s, v) => s + Math.abs(v), 0) : Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  return m - eps * dual;
}

function margins(lin: ReturnType<typeof makeLinearModel>, xAdv: tf.Tensor4D, y: number[]): number[] {
  const rows = (tf.reshape(xAdv, [xAdv.shape[0], -1]) as tf.Tensor2D).arraySync();
  return rows.map((r, i) => {
    const z = linearLogits(lin, r);
    const yi = y[i] ?? 0;
    return (z[yi] ?? 0) - (z[1 - yi] ?? 0);
  });
}

describe('pgd on a linear model reaches the closed-form worst case', () => {
  const lin = makeLinearModel(DIM, 2, 11);
  const x = makeImages(SHAPE, 3, 0.3, 0.7);
  const yArr = [0, 1, 1, 0];
  const y = tf.tensor1d(yArr, 'int32');
  const xRows = (tf.reshape(x, [4, -1]) as tf.Tensor2D).arraySync();

  for (const norm of ['linf', 'l2'] as const) {
    for (const loss of ['ce', 'cw'] as const) {
      it(`${norm} with ${loss} loss`, async () => {
        const eps = norm === 'linf' ? 0.05 : 0.2;
        const attack = pgd({ eps, norm, steps: 20, loss, randomStart: norm === 'linf', seed: 1 });
        const r = await attack.run(lin.model, x, y);
        const got = margins(lin, r.xAdv, yArr);
        got.forEach((m, i) => {
          expect(m).toBeCloseTo(closedForm(lin, xRows[i] ?? [], yArr[i] ?? 0, eps, norm), 3);
          expect(r.success[i]).toBe(m < 0);
        });
        for (const v of r.norms) expect(v).toBeLessThanOrEqual(eps + 1e-5);
        r.xAdv.dispose();
      });
    }
  }

  it('fgsm reaches the linf optimum of a linear model in one step', async () => {
    const eps = 0.05;
    const r = await fgsm({ eps }).run(lin.model, x, y);
    margins(lin, r.xAdv, yArr).forEach((m, i) => {
      expect(m).toBeCloseTo(closedForm(lin, xRows[i] ?? [], yArr[i] ?? 0, eps, 'linf'), 3);
    });
    const rs = await fgsm({ eps, randomStart: true, seed: 3 }).run(lin.model, x, y);
    for (const v of rs.norms) expect(v).toBeLessThanOrEqual(eps + 1e-6);
  });
});

describe('pgd behaviour', () => {
  const lin = makeLinearModel(DIM, 5, 4, 3);
  const x = makeImages(SHAPE, 9, 0, 1);
  const y = tf.tensor1d([0, 1, 2, 3], 'int32');

  it('same seed gives identical results; another seed differs', async () => {
    const a = await pgd({ eps: 0.03, steps: 3, seed: 5 }).run(lin.model, x, y);
    const b = await pgd({ eps: 0.03, steps: 3, seed: 5 }).run(lin.model, x, y);
    const c = await pgd({ eps: 0.03, steps: 3, seed: 6, keep: 'last' }).run(lin.model, x, y);
    expect(tf.max(tf.abs(tf.sub(a.xAdv, b.xAdv))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(a.xAdv, c.xAdv))).dataSync()[0]).toBeGreaterThan(0);
  });

  it("keep 'best' is at least as successful as keep 'last' on every sample", async () => {
    for (const seed of [1, 2, 3]) {
      const opts = { eps: 0.08, steps: 6, stepSize: 0.08, seed, loss: 'cw' as const, kappa: 0 };
      const last = await pgd({ ...opts, keep: 'last' }).run(lin.model, x, y);
      const best = await pgd({ ...opts, keep: 'best' }).run(lin.model, x, y);
      last.success.forEach((s, i) => {
        if (s) expect(best.success[i]).toBe(true);
      });
      expect(pgd({ ...opts, keep: 'best' }).settings.keep).toBe('best');
    }
  });

  it('targeted mode hits the given targets', async () => {
    const targets = tf.tensor1d([4, 4, 4, 4], 'int32');
    const r = await pgd({ eps: 1, steps: 30, targeted: true, stepSize: 0.1 }).run(lin.model, x, y, targets);
    const pred = Array.from(tf.argMax(lin.model(r.xAdv), 1).dataSync());
    expect(r.success).toEqual(pred.map((p) => p === 4));
    expect(r.success.every(Boolean)).toBe(true);
  });

  it('a TRADES-style start x + 0.001 N(0, I) stays within 0.001-ish of x before any step', async () => {
    const start = pgdAscent(lin.model, x, {
      norm: 'linf',
      eps: 0.03,
      stepSize: 0.01,
      steps: 0,
      lossFn: perSampleCrossEntropy,
      start: { normalStd: 0.001 },
      seed: 1,
    });
    const d = tf.sub(start, x);
    expect(tf.max(tf.abs(d)).dataSync()[0]).toBeLessThan(0.006);
    expect(tf.max(tf.abs(d)).dataSync()[0]).toBeGreaterThan(0);
    expect(() => pgd({ eps: 0.1, randomStart: { normalStd: -1 } })).toThrow(/normalStd/);
  });

  it('the step loop reads nothing from the device: reads do not grow with steps', async () => {
    const count = async (steps: number) => {
      const spy = vi.spyOn(tf.Tensor.prototype, 'data');
      const r = await pgd({ eps: 0.03, steps, seed: 1 }).run(lin.model, x, y);
      const calls = spy.mock.calls.length;
      spy.mockRestore();
      r.xAdv.dispose();
      return calls;
    };
    const few = await count(2);
    expect(few).toBeGreaterThan(0);
    expect(await count(12)).toBe(few);
  });

  it('refuses a 0-step PGD (it would report clean accuracy as robust accuracy)', () => {
    expect(() => pgd({ eps: 0.03, steps: 0 })).toThrow('steps must be an integer >= 1, got 0');
  });

  it('pgdAscent (the core training uses) equals the attack with one restart and the last iterate', async () => {
    const attack = await pgd({ eps: 0.05, steps: 4, seed: 3 }).run(lin.model, x, y);
    const core = pgdAscent(lin.model, x, {
      norm: 'linf',
      eps: 0.05,
      stepSize: 0.05 / 4,
      steps: 4,
      lossFn: perSampleCrossEntropy,
      y,
      seed: 3,
    });
    expect(tf.max(tf.abs(tf.sub(attack.xAdv, core))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([attack.xAdv, core]);
  });

  it('targeted dlr uses the targeted DLR loss and reaches the target', async () => {
    const targets = tf.tensor1d([4, 4, 4, 4], 'int32');
    const attack = pgd({ eps: 1, steps: 30, targeted: true, loss: 'dlr', stepSize: 0.1, keep: 'best' });
    const r = await attack.run(lin.model, x, y, targets);
    const pred = Array.from(tf.argMax(lin.model(r.xAdv), 1).dataSync());
    expect(r.success).toEqual(pred.map((p) => p === 4));
    expect(r.success.every(Boolean)).toBe(true);
  });

  it('early stop freezes successful samples and onStep reports progress', async () => {
    const seen: number[] = [];
    const r = await pgd({ eps: 0.5, steps: 8, earlyStop: true, onStep: (s) => seen.push(s.successes) }).run(
      lin.model,
      x,
      y,
    );
    expect(seen.length).toBe(8);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] ?? 0);
    expect(r.success.every(Boolean)).toBe(true);
  });

  it('keeps memory flat over many steps and restarts', async () => {
    const attack = pgd({ eps: 0.03, steps: 5, restarts: 2 });
    const first = await attack.run(lin.model, x, y);
    first.xAdv.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await attack.run(lin.model, x, y)).xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and inputs', async () => {
    expect(() => pgd({ eps: -1 })).toThrow(/eps must be a finite number >= 0/);
    expect(() => pgd({ eps: 0.1, steps: 1.5 })).toThrow(/steps/);
    await expect(pgd({ eps: 0.1 }).run(lin.model, x, tf.tensor1d([0, 1, 2, 9], 'int32'))).rejects.toThrow(
      /y\[3\] = 9.*\[0, 5\)/,
    );
    await expect(pgd({ eps: 0.1 }).run(lin.model, tf.add(x, 2) as tf.Tensor4D, y)).rejects.toThrow(/\[0, 1\]/);
  });
});
