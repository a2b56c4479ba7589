import { convOperator, lipschitzOnDevice } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjoint, type Problem, randomArray, referenceLipschitz, referenceRista } from '../testing/reference-rista.ts';
import { strokeImages } from '../testing/stroke-images.ts';
import { rista } from './rista.ts';
import { ristaObjective } from './rista-objective.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function problem(seed: number, stride: number, xShape: Problem['xShape'], wShape: Problem['wShape']): Problem {
  const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const w = randomArray(n(wShape), seed + 1);
  // unit-norm atoms, as the layers keep them
  const [kh, kw, c, d] = wShape;
  for (let o = 0; o < d; o++) {
    let s = 0;
    for (let i = 0; i < kh * kw * c; i++) s += w[i * d + o]! ** 2;
    for (let i = 0; i < kh * kw * c; i++) w[i * d + o]! /= Math.sqrt(s);
  }
  return { x: randomArray(n(xShape), seed), xShape, w, wShape, stride, pad: Math.floor((wShape[0] - 1) / 2) };
}

const tensors = (p: Problem) => ({
  x: tf.tensor4d(Float32Array.from(p.x), p.xShape),
  w: tf.tensor4d(Float32Array.from(p.w), p.wShape),
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tol * Math.max(scale, 1e-6));
}

describe('rista matches an independent plain-JS implementation', () => {
  for (const stride of [1, 2]) {
    for (const nonNegative of [true, false]) {
      it(`beta = 1 is plain ISTA (stride ${stride}, ${nonNegative ? 'one' : 'two'}-sided threshold)`, () => {
        const p = problem(7 + stride, stride, [2, 6, 6, 3], [3, 3, 3, 4]);
        const t = 0.9 / referenceLipschitz(p);
        const ref = referenceRista(p, { steps: 4, lambda: 0.05, t, beta: 1, eps: 1e-3, nonNegative });
        const { x, w } = tensors(p);
        const z = rista(x, w, { steps: 4, lambda: 0.05, beta: 1, stepSize: t, strides: stride, nonNegative });
        expect(z.shape).toEqual([2, 6 / stride, 6 / stride, 4]);
        expectClose(z.dataSync(), ref[3]!, 1e-4);
        // the codes are not trivial
        expect(ref[3]!.filter((v) => v !== 0).length).toBeGreaterThan(10);
      });
    }
  }

  it('elastic (beta = 0.3) and robust (beta = 0) updates match, stride 2', () => {
    for (const beta of [0.3, 0]) {
      const p = problem(3, 2, [1, 6, 6, 2], [3, 3, 2, 3]);
      const t = 0.9 / referenceLipschitz(p);
      const ref = referenceRista(p, { steps: 3, lambda: 0.1, t, beta, eps: 1e-2, nonNegative: false });
      const { x, w } = tensors(p);
      const z = rista(x, w, { steps: 3, lambda: 0.1, beta, eps: 1e-2, stepSize: t, strides: 2, nonNegative: false });
      expectClose(z.dataSync(), ref[2]!, 1e-4);
    }
  });

  it("stepSize 'auto' is 0.9 / (L (beta + (1 - beta) / (2 eps))), L = ||A||^2 by power iteration, leaking nothing", () => {
    const p = problem(11, 1, [1, 5, 5, 2], [3, 3, 2, 3]);
    const L = referenceLipschitz(p);
    const { x, w } = tensors(p);
    for (const [beta, eps, t] of [
      [1, 1e-3, 0.9 / L], // SDNet's step
      [0, 1e-3, (0.9 * 2e-3) / L], // Lemma 4.1: t <= 2 eps / L
      [0.5, 1e-2, 0.9 / (L * (0.5 + 0.5 * 50))],
      [tf.scalar(0.25), 1e-3, 0.9 / (L * (0.25 + 0.75 * 500))],
    ] as const) {
      const out = rista(x, w, { steps: 2, beta, eps, trace: true });
      expect(out.stepSize).toBeInstanceOf(tf.Tensor);
      // 50 iterations from below: t may be slightly high
      for (const [value, expected] of [
        [out.stepSize, t],
        [out.initStepSize, 0.9 / L], // the encoder pass keeps SDNet's step for every beta
      ] as const) {
        const ratio = (value as tf.Scalar).dataSync()[0]! / expected;
        expect(ratio).toBeGreaterThan(0.999);
        expect(ratio).toBeLessThan(1.05);
      }
    }
    const before = tf.memory().numTensors;
    for (const recompute of [false, true]) tf.dispose(rista(x, w, { steps: 2, recompute }));
    expect(tf.memory().numTensors).toBe(before);
    const zero = rista(x, tf.zerosLike(w), { steps: 2 }); // zero dictionary: zero codes, not NaN
    expect(Array.from(zero.dataSync()).every((v) => v === 0)).toBe(true);
  });

  it('initStepSize sets the step of the encoder pass only (checked against the plain-JS reference)', () => {
    const p = problem(12, 1, [1, 5, 5, 2], [3, 3, 2, 3]);
    const { x, w } = tensors(p);
    const opts = { lambda: 0.1, beta: 0.3, eps: 1e-2, nonNegative: false } as const;
    const z0 = referenceRista(p, { ...opts, steps: 1, t: 0.2 })[0]!;
    expectClose(rista(x, w, { ...opts, steps: 1, stepSize: 0.05, initStepSize: 0.2 }).dataSync(), z0, 1e-5);
    // the corrections use stepSize: with both equal it is the single-step-size RISTA
    const same = rista(x, w, { ...opts, steps: 3, stepSize: 0.05, initStepSize: 0.05 }).dataSync();
    expectClose(same, referenceRista(p, { ...opts, steps: 3, t: 0.05 })[2]!, 1e-4);
    const mixed = rista(x, w, { ...opts, steps: 3, stepSize: 0.05, initStepSize: 0.2 });
    const recomputed = rista(x, w, {
      ...opts,
      steps: 3,
      stepSize: tf.scalar(0.05),
      initStepSize: 0.2,
      recompute: true,
    });
    expectClose(recomputed.dataSync(), mixed.dataSync(), 1e-6);
    expect(Math.max(...Array.from(tf.abs(tf.sub(mixed, tf.tensor(same, mixed.shape))).dataSync()))).toBeGreaterThan(
      1e-3,
    );
    expect(() => rista(x, w, { initStepSize: 0 })).toThrow(/initStepSize/);
  });

  it('scalar-tensor beta, lambda and stepSize give the same codes as numbers', () => {
    const p = problem(5, 1, [1, 5, 5, 2], [3, 3, 2, 3]);
    const { x, w } = tensors(p);
    const a = rista(x, w, { beta: 0.4, lambda: 0.2, stepSize: 0.3 });
    const b = rista(x, w, { beta: tf.scalar(0.4), lambda: tf.scalar(0.2), stepSize: tf.scalar(0.3) });
    expectClose(b.dataSync(), a.dataSync(), 1e-6);
  });
});

describe('rista objective descent', () => {
  function objectives(seed: number, options: { beta: number; eps: number; safeStep: boolean; steps: number }) {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
    const raw = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', seed + 1000);
    const w = tf.div(raw, tf.sqrt(tf.sum(tf.square(raw), [0, 1, 2], true))) as tf.Tensor4D;
    const L = lipschitzOnDevice(convOperator(w, x.shape)).value.dataSync()[0]!;
    // the step of a guaranteed descent: t <= 1 / (L * max(beta + (1 - beta) w)), w <= 1 / (2 eps)
    const bound = Math.max(1, options.beta + (1 - options.beta) / (2 * options.eps));
    const stepSize = options.safeStep ? 0.9 / (L * bound) : 0.9 / L;
    const trace = rista(x, w, { ...options, lambda: 0.1, stepSize, nonNegative: false, trace: true });
    return Array.from(trace.objectives.dataSync());
  }
  const increases = (o: number[]) => o.slice(1).map((v, k) => (v - o[k]!) / Math.abs(o[k]!));

  it('robust (beta = 0): 1/2 ||x - A*z||_1 + lambda ||z||_1 never increases (Lemma 4.1) under the descent step', () => {
    // Conditions: the MM surrogate step needs t <= 1 / (||A||^2 max w), with w <= 1 / (2 eps). Either a large eps
    // with t = 0.9 / L (w <= 1), or a small eps with t = 0.9 * 2 eps / L. (With eps = 1e-3 and t = 0.9 / L the
    // objective can rise by ~1% on a step: that step is too long for the reweighted quadratic.)
    for (let seed = 0; seed < 6; seed++) {
      for (const o of [
        objectives(seed, { beta: 0, eps: 0.5, safeStep: false, steps: 12 }),
        objectives(seed, { beta: 0, eps: 1e-2, safeStep: true, steps: 12 }),
      ]) {
        expect(Math.max(...increases(o))).toBeLessThanOrEqual(1e-6);
        expect(o[o.length - 1]!).toBeLessThan(o[0]!);
      }
    }
  });

  it('elastic (beta = 0.5, eps = 1e-3, t = 0.9 / L): the traced objective decreases on random data', () => {
    for (let seed = 10; seed < 16; seed++) {
      const o = objectives(seed, { beta: 0.5, eps: 1e-3, safeStep: false, steps: 8 });
      expect(Math.max(...increases(o))).toBeLessThanOrEqual(1e-6);
      expect(o[7]!).toBeLessThan(0.9 * o[0]!);
    }
  });

  const stepRises = (o: ArrayLike<number>) =>
    Math.max(
      ...Array.from(o)
        .slice(1)
        .map((v, k) => (v - o[k]!) / Math.abs(o[k]!)),
    );

  it("default stepSize 'auto': the objective decreases at every step for beta = 0, 0.5 and 1 (digits and dense data)", () => {
    for (let seed = 0; seed < 3; seed++) {
      const raw = tf.randomNormal([3, 3, 1, 8], 0, 1, 'float32', seed + 100);
      const w = tf.div(raw, tf.sqrt(tf.sum(tf.square(raw), [0, 1, 2], true))) as tf.Tensor4D;
      const digits = strokeImages(2, 14, seed);
      const dense = tf.randomNormal([2, 14, 14, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
      for (const x of [digits, dense]) {
        for (const beta of [0, 0.5, 1]) {
          const o = rista(x, w, { beta, steps: 8, trace: true }).objectives.dataSync();
          expect(stepRises(o)).toBeLessThanOrEqual(1e-5); // float32 rounding only
          expect(o[7]!).toBeLessThan(o[0]!);
        }
      }
    }
  });

  it('the old step 0.9 / L raises the robust (beta = 0) objective on digits: what the default step fixes', () => {
    for (let seed = 0; seed < 3; seed++) {
      const raw = tf.randomNormal([3, 3, 1, 8], 0, 1, 'float32', seed + 100);
      const w = tf.div(raw, tf.sqrt(tf.sum(tf.square(raw), [0, 1, 2], true))) as tf.Tensor4D;
      const x = strokeImages(2, 14, seed);
      const L = lipschitzOnDevice(convOperator(w, x.shape)).value.dataSync()[0]!;
      const o = rista(x, w, { beta: 0, steps: 8, stepSize: 0.9 / L, trace: true }).objectives.dataSync();
      expect(stepRises(o)).toBeGreaterThan(0.1); // 39 to 59% seen on a single step
    }
  });

  it('the trace holds every code and the objective computed independently', () => {
    const p = problem(21, 1, [2, 5, 5, 2], [3, 3, 2, 3]);
    const { x, w } = tensors(p);
    const opts = { steps: 3, beta: 0.25, lambda: 0.1, stepSize: 0.2, eps: 1e-3, nonNegative: true } as const;
    const trace = rista(x, w, { ...opts, trace: true, objectiveReduction: 'sum' });
    const ref = referenceRista(p, { ...opts, t: 0.2 });
    expect(trace.codes.length).toBe(3);
    expect(trace.objectives.shape).toEqual([3]);
    expectClose(trace.output.dataSync(), trace.codes[2]!.dataSync(), 0);
    for (let k = 0; k < 3; k++) {
      const z = ref[k]!;
      const xr = adjoint(p, z);
      let l2 = 0;
      let l1 = 0;
      for (let i = 0; i < p.x.length; i++) {
        const r = p.x[i]! - xr[i]!;
        l2 += r * r;
        l1 += Math.abs(r);
      }
      const f = (0.25 / 2) * l2 + (0.75 / 2) * l1 + 0.1 * z.reduce((a, b) => a + Math.abs(b), 0);
      expect(trace.objectives.dataSync()[k]!).toBeCloseTo(f, 3);
    }
    const mean = rista(x, w, { ...opts, trace: true }).objectives.dataSync();
    expect(mean[0]!).toBeCloseTo(trace.objectives.dataSync()[0]! / 2, 4);
  });
});

describe('rista gradients', () => {
  // loss(x, W, beta, lambda) = <rista(x, W; beta, lambda), G>, compared with central differences in float32.
  // Thresholds and |r| have kinks, so a coordinate is compared only where the difference quotients at h and h/2
  // agree (a smooth point); at least 90% of the coordinates must qualify, and every qualifying one must match.
  const p = problem(31, 1, [1, 5, 5, 2], [3, 3, 2, 3]);
  const G = tf.tensor4d(Float32Array.from(randomArray(75, 99)), [1, 5, 5, 3]);
  const base = { steps: 3, eps: 0.1, stepSize: 0.25, nonNegative: false } as const;
  const loss = (x: tf.Tensor4D, w: tf.Tensor4D, beta: tf.Scalar, lambda: tf.Scalar) =>
    tf.sum(tf.mul(rista(x, w, { ...base, beta, lambda }), G)) as tf.Scalar;
  const value = (x: tf.Tensor4D, w: tf.Tensor4D, beta: number, lambda: number) =>
    tf.tidy(() => loss(x, w, tf.scalar(beta), tf.scalar(lambda)).dataSync()[0]!);
  const h = 2e-3;

  /** Central difference of f at 0, or null where it is not smooth at this scale. */
  function smoothDifference(f: (d: number) => number, scale: number): number | null {
    const a = (f(h) - f(-h)) / (2 * h);
    const b = (f(h / 2) - f(-h / 2)) / h;
    return Math.abs(a - b) > 5e-3 * Math.max(Math.abs(a), scale) ? null : b;
  }

  function checkAll(analytic: ArrayLike<number>, f: (i: number, d: number) => number, indices: number[]) {
    const scale = Math.max(...Array.from(analytic, Math.abs));
    expect(scale).toBeGreaterThan(1e-2);
    let checked = 0;
    for (const i of indices) {
      const fd = smoothDifference((d) => f(i, d), 0.1 * scale);
      if (fd === null) continue;
      checked++;
      expect(Math.abs(fd - analytic[i]!)).toBeLessThanOrEqual(1e-2 * Math.max(Math.abs(analytic[i]!), 0.1 * scale));
    }
    expect(checked).toBeGreaterThanOrEqual(0.9 * indices.length);
  }

  it('match central finite differences w.r.t. x, filter, beta and lambda', () => {
    const { x: x1, w } = tensors(p);
    const x = tf.mul(x1, 3) as tf.Tensor4D; // larger residuals: w far from 1, so beta matters
    const [beta0, lambda0] = [0.4, 0.1];
    const grads = tf.grads((a, b, c, d) => loss(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Scalar, d as tf.Scalar))([
      x,
      w,
      tf.scalar(beta0),
      tf.scalar(lambda0),
    ]);
    const shift = (t: tf.Tensor4D, i: number, d: number) => {
      const v = t.dataSync().slice();
      v[i]! += d;
      return tf.tensor4d(v, t.shape);
    };
    checkAll(grads[0]!.dataSync(), (i, d) => value(shift(x, i, d), w, beta0, lambda0), [...Array(50).keys()]);
    checkAll(grads[1]!.dataSync(), (i, d) => value(x, shift(w, i, d), beta0, lambda0), [...Array(54).keys()]);
    const scalars = [grads[2]!.dataSync()[0]!, grads[3]!.dataSync()[0]!];
    for (const g of scalars) expect(Math.abs(g)).toBeGreaterThan(1e-2);
    const fb = smoothDifference((d) => value(x, w, beta0 + d, lambda0), 0);
    const fl = smoothDifference((d) => value(x, w, beta0, lambda0 + d), 0);
    expect(fb).not.toBeNull();
    expect(fl).not.toBeNull();
    expect(Math.abs(fb! - scalars[0]!)).toBeLessThanOrEqual(1e-2 * Math.abs(scalars[0]!));
    expect(Math.abs(fl! - scalars[1]!)).toBeLessThanOrEqual(1e-2 * Math.abs(scalars[1]!));
  });

  it('detachWeights keeps the codes and changes only the gradient', () => {
    const { x, w } = tensors(p);
    const f = (detachWeights: boolean) => (a: tf.Tensor) =>
      tf.sum(tf.mul(rista(a as tf.Tensor4D, w, { ...base, beta: 0, detachWeights }), G));
    expect(f(true)(x).dataSync()[0]).toBe(f(false)(x).dataSync()[0]);
    const g1 = tf.grad(f(true))(x).dataSync();
    const g2 = tf.grad(f(false))(x).dataSync();
    expect(g1.every(Number.isFinite)).toBe(true);
    let diff = 0;
    for (let i = 0; i < g1.length; i++) diff = Math.max(diff, Math.abs(g1[i]! - g2[i]!));
    expect(diff).toBeGreaterThan(1e-3);
  });
});

describe('rista housekeeping', () => {
  it('keeps tf.memory().numTensors flat over a long tidy loop of forward + gradient', () => {
    const x = tf.randomNormal([1, 6, 6, 2]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 2, 3]) as tf.Tensor4D;
    const step = () =>
      tf.tidy(() => {
        const g = tf.grads((a, b) => tf.sum(rista(a as tf.Tensor4D, b as tf.Tensor4D, { beta: 0.5 })))([x, w]);
        return g[0]!.dataSync()[0];
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 25; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with a clear error', () => {
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 2]) as tf.Tensor4D;
    expect(() => rista(x, w, { steps: 0 })).toThrow(/steps must be an integer >= 1/);
    expect(() => rista(x, w, { steps: 1.5 })).toThrow(/steps/);
    expect(() => rista(x, w, { lambda: -0.1 })).toThrow(/lambda must be a finite number >= 0/);
    expect(() => rista(x, w, { eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => rista(x, w, { beta: 1.5 })).toThrow(/beta must be a finite number >= 0 and <= 1/);
    expect(() => rista(x, w, { beta: -0.1 })).toThrow(/beta/);
    expect(() => rista(x, w, { stepSize: 0 })).toThrow(/stepSize must be a finite number > 0/);
    expect(() => rista(x, w, { lambda: tf.ones([2]) as unknown as tf.Scalar })).toThrow(
      /lambda must be a number or a scalar tensor/,
    );
    expect(() => rista(tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D, w)).toThrow(/x: expected a rank-4 NHWC tensor/);
    expect(() => rista(x, tf.ones([3, 3, 3, 2]) as tf.Tensor4D)).toThrow(/input channels/);
  });
});

describe('ristaObjective', () => {
  it('rejects an unknown reduction', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const op = convOperator(tf.ones([3, 3, 1, 1]) as tf.Tensor4D, x.shape);
    expect(() => ristaObjective(op, x, op.forward(x), { beta: 1, lambda: 0, reduction: 'max' as 'sum' })).toThrow(
      /reduction/,
    );
  });
});

describe('rista recompute (gradient checkpointing)', () => {
  const p = problem(41, 2, [2, 6, 6, 2], [3, 3, 2, 4]);
  const G = tf.tensor4d(Float32Array.from(randomArray(2 * 3 * 3 * 4, 98)), [2, 3, 3, 4]);
  const kinds = [
    ['vanilla', 1],
    ['robust', 0],
    ['elastic', 0.4],
  ] as const;

  /** max |a - b| / max |b| over every gradient. */
  function relativeError(a: tf.Tensor[], b: tf.Tensor[]): number {
    let worst = 0;
    for (let i = 0; i < b.length; i++) {
      const [da, db] = [a[i]!.dataSync(), b[i]!.dataSync()];
      let scale = 0;
      let diff = 0;
      for (let j = 0; j < db.length; j++) {
        scale = Math.max(scale, Math.abs(db[j]!));
        diff = Math.max(diff, Math.abs(da[j]! - db[j]!));
      }
      expect(scale).toBeGreaterThan(0); // every gradient is non-trivial, so the comparison means something
      worst = Math.max(worst, diff / scale);
    }
    return worst;
  }

  for (const [kind, betaValue] of kinds) {
    for (const detachWeights of [false, true]) {
      it(`${kind}, detachWeights ${detachWeights}: same codes and same gradients w.r.t. x, filter, beta, lambda, t`, () => {
        const { x: x1, w } = tensors(p);
        const x = tf.mul(x1, 2) as tf.Tensor4D;
        const elastic = kind === 'elastic';
        // as DictConv2D passes them: a number beta for the fixed kinds, scalar tensors for the rest
        const loss =
          (recompute: boolean) =>
          (...t: tf.Tensor[]) =>
            tf.sum(
              tf.mul(
                rista(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, {
                  steps: 3,
                  eps: 0.05,
                  strides: 2,
                  nonNegative: false,
                  lambda: t[2] as tf.Scalar,
                  stepSize: t[3] as tf.Scalar,
                  beta: elastic ? (t[4] as tf.Scalar) : betaValue,
                  detachWeights,
                  recompute,
                }),
                G,
              ),
            );
        const args = [x, w, tf.scalar(0.05), tf.scalar(0.2), ...(elastic ? [tf.scalar(betaValue)] : [])];
        const plain = tf.grads(loss(false))(args);
        const checkpointed = tf.grads(loss(true))(args);
        expect(checkpointed.length).toBe(args.length);
        expect(relativeError(checkpointed, plain)).toBeLessThanOrEqual(1e-5);
        expect(loss(true)(...args).dataSync()[0]).toBe(loss(false)(...args).dataSync()[0]);
      });
    }
  }

  it('keeps far fewer tensors alive between forward and backward', () => {
    const { x, w } = tensors(p);
    const alive = (recompute: boolean) => {
      let held = { numTensors: 0, numBytes: 0 };
      tf.tidy(() => {
        const before = tf.memory();
        tf.grads((a, b, c) => {
          const options = { steps: 3, beta: c as tf.Scalar, stepSize: 0.2, recompute };
          const z = rista(a as tf.Tensor4D, b as tf.Tensor4D, options);
          const now = tf.memory();
          held = { numTensors: now.numTensors - before.numTensors, numBytes: now.numBytes - before.numBytes };
          return tf.sum(z);
        })([x, w, tf.scalar(0.5)]);
      });
      return held;
    };
    const plain = alive(false);
    const recomputed = alive(true);
    // recompute: clones of x, filter, beta, (stepSize is a number here), the output, plus the scalar input
    expect(recomputed.numTensors).toBeLessThanOrEqual(6);
    expect(plain.numTensors).toBeGreaterThanOrEqual(recomputed.numTensors + 10);
    expect(plain.numBytes).toBeGreaterThan(3 * recomputed.numBytes);
  });

  it('steps = 1 gives a zero gradient for beta (unused) instead of an error', () => {
    const { x, w } = tensors(p);
    const g = tf.grad((b) => tf.sum(rista(x, w, { steps: 1, beta: b as tf.Scalar, recompute: true })))(tf.scalar(0.5));
    expect(g.dataSync()[0]).toBe(0);
  });

  it('is tidy-clean over a loop and rejects recompute with trace', () => {
    const { x, w } = tensors(p);
    const step = () =>
      tf.tidy(() => {
        const g = tf.grads((a, b) => tf.sum(rista(a as tf.Tensor4D, b as tf.Tensor4D, { recompute: true })))([x, w]);
        return g[1]!.dataSync()[0];
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => rista(x, w, { recompute: true, trace: true })).toThrow(/recompute: cannot be combined with trace/);
    expect(() => rista(x, w, { recompute: 'yes' as unknown as boolean })).toThrow(/recompute must be true or false/);
  });
});
